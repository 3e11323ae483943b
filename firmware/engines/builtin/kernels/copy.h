/* Operators that only change the shape, not the bytes (RESHAPE, EXPAND_DIMS, SQUEEZE): the
 * output's static shape comes from the model, as TFLM takes it from the output tensor; eval
 * copies the bytes (the planner gives the output its own arena slot). Any element type, as in
 * TFLM: which types a firmware links is decided by the cells in ops.def. Header-only. */
#ifndef HIL_COPY_H
#define HIL_COPY_H
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"

/* `inputs_min`..`inputs_max` inputs (the data first), one output of the same type and size. */
static inline int hil_copy_prepare(hil_graph *g, hil_node *node, unsigned inputs_min, unsigned inputs_max,
                                   const char *arity)
{
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    unsigned n = hil_node_num_inputs(node);
    if (n < inputs_min || n > inputs_max || hil_node_num_outputs(node) != 1 || !in || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, arity);
    if (in->type != out->type)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output types differ");
    if (hil_dtype_size(in->type) == 0 || in->bytes != out->bytes)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output element counts differ");
    return HIL_OK;
}

static inline int hil_copy_eval(hil_graph *g, hil_node *node)
{
    const hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (out->data != in->data)
        memcpy(out->data, in->data, in->bytes);
    return HIL_OK;
}

#endif
