/* PAD, int8 and float32, share their prepare: the paddings tensor (a constant [ndim, 2] int32
 * or int64 tensor of (before, after) pairs), shapes and parameters. The form with a third
 * constant_values input (PADV2's) is refused. Header-only (static inline): a kernel compiles only
 * its own type's branches. */
#ifndef HIL_PAD_H
#define HIL_PAD_H
#include <stdint.h>

#include "common_f32.h"
#include "graph.h"
#include "hil_protocol.h"
#include "quant.h"

typedef struct {
    int32_t ndim;
    int32_t in_dims[HIL_MAX_DIMS], out_dims[HIL_MAX_DIMS];
    int32_t before[HIL_MAX_DIMS];
    int32_t out_rows;   /* product of every output dimension but the last */
    int8_t pad_value;   /* int8: the output zero point; float32 pads with 0.0f */
} hil_pad_params;

/* `type`: HIL_INT8 or HIL_FLOAT32, for input and output. */
static inline int hil_pad_prepare_type(hil_graph *g, hil_node *node, int type)
{
    hil_tensor *input = hil_node_input(g, node, 0);
    hil_tensor *paddings = hil_node_input(g, node, 1);
    hil_tensor *output = hil_node_output(g, node, 0);
    if (!input || !paddings || !output || hil_node_num_outputs(node) != 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, paddings and one output");
    if (hil_node_num_inputs(node) > 2)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "a constant_values input (the PADV2 form) is not supported");
    if (type == HIL_INT8 && (input->type != HIL_INT8 || output->type != HIL_INT8))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "only int8 input and output are supported");
    if (type == HIL_FLOAT32 && !hil_f32_all(input, output))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "float32 kernel: input and output must be float32");
    if ((paddings->type != HIL_INT32 && paddings->type != HIL_INT64) || !paddings->is_const)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "paddings must be a constant int32 or int64 tensor");
    int32_t ndim = output->ndim;
    if (input->ndim != ndim || ndim == 0 || hil_num_elements(paddings) != 2u * (uint32_t)ndim)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "paddings do not hold two values per dimension");

    hil_pad_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->ndim = ndim;
    p->out_rows = 1;
    for (int32_t d = 0; d < ndim; d++) {
        int64_t before = hil_int_at(paddings, 2u * (uint32_t)d);
        int64_t after = hil_int_at(paddings, 2u * (uint32_t)d + 1u);
        if (before < 0 || after < 0)
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "negative paddings are not supported");
        if (before + input->dims[d] + after != output->dims[d])
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output shape does not match the paddings");
        p->before[d] = (int32_t)before;
        p->in_dims[d] = input->dims[d];
        p->out_dims[d] = output->dims[d];
        if (d < ndim - 1)
            p->out_rows *= output->dims[d];
    }
    if (type == HIL_INT8)
        p->pad_value = (int8_t)output->zero_point;
    node->params = p;
    return HIL_OK;
}

#endif
