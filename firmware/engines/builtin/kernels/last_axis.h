/* The checks of the kernels that work along the last dimension (LOG_SOFTMAX, L2_NORMALIZATION):
 * one input of rank >= 1 (at most max_rank), one output of the same type and shape; the rows
 * (outer) and their length (depth); the float32 kernels' eval, row by row. Header-only. */
#ifndef HIL_LAST_AXIS_H
#define HIL_LAST_AXIS_H
#include "graph.h"
#include "hil_protocol.h"
#include "unary.h"

static inline int hil_last_axis_check(hil_graph *g, hil_node *node, int type, int max_rank)
{
    const hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 1 || hil_node_num_outputs(node) != 1 || !in || !out || in->ndim < 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs one input of rank >= 1 and one output");
    if (in->ndim > max_rank)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input of more than 4 dimensions (TFLM takes at most 4)");
    if (in->type != type || out->type != type)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, hil_unary_type_message(type));
    if (!hil_same_shape(in, out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output shapes differ");
    return HIL_OK;
}

static inline void hil_last_axis_rows(const hil_tensor *t, uint32_t *outer, uint32_t *depth)
{
    *depth = (uint32_t)t->dims[t->ndim - 1];
    *outer = *depth ? hil_num_elements(t) / *depth : 0;
}

/* Eval of a float32 kernel: `row` maps each input row of `depth` values to its output row. */
static inline int hil_last_axis_eval_f32(hil_graph *g, const hil_node *node,
                                         void (*row)(const float *in, float *out, uint32_t depth))
{
    const hil_tensor *in_t = hil_node_input(g, node, 0);
    const float *in = (const float *)(const void *)in_t->data;
    float *out = (float *)(void *)hil_node_output(g, node, 0)->data;
    uint32_t outer, depth;
    hil_last_axis_rows(in_t, &outer, &depth);
    for (uint32_t r = 0; r < outer; r++, in += depth, out += depth)
        row(in, out, depth);
    return HIL_OK;
}

#endif
