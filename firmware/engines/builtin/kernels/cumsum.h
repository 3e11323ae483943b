/* CUMSUM, int8 and float32, share their prepare: input and output of one shape and type, the
 * constant int32 scalar axis (negative counts from the end), exclusive and reverse. The input is
 * seen as [outer, depth, inner] around the axis; each (outer, inner) line is summed along depth.
 * Header-only (static inline). */
#ifndef HIL_CUMSUM_H
#define HIL_CUMSUM_H
#include <stdint.h>

#include "graph.h"
#include "hil_protocol.h"

enum { HIL_CUMSUM_OPT_EXCLUSIVE = 0, HIL_CUMSUM_OPT_REVERSE = 1 }; /* CumsumOptions */

typedef struct {
    uint32_t outer, depth, inner; /* dimensions before, at and after the axis */
    uint8_t exclusive, reverse;
    int32_t input_offset, output_offset;       /* int8 */
    int32_t input_multiplier, input_shift;     /* int8 */
    int32_t output_multiplier, output_shift;   /* int8 */
} hil_cumsum_params;

static inline int hil_cumsum_prepare_shape(hil_graph *g, hil_node *node, int type, hil_cumsum_params **params)
{
    hil_tensor *in = hil_node_input(g, node, 0), *axis = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 1 || !in || !axis || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, an axis and one output");
    if (in->type != type || out->type != type || !hil_same_shape(in, out) || in->ndim < 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output must have one type and shape");
    if (axis->type != HIL_INT32 || hil_num_elements(axis) != 1 || !axis->is_const)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "axis must be a constant int32 scalar");
    int32_t a = (int32_t)hil_int_at(axis, 0);
    if (a < 0)
        a += in->ndim;
    if (a < 0 || a >= in->ndim)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "axis out of range");
    hil_cumsum_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->outer = p->inner = 1;
    for (int32_t d = 0; d < in->ndim; d++) {
        if (d < a)
            p->outer *= (uint32_t)in->dims[d];
        else if (d > a)
            p->inner *= (uint32_t)in->dims[d];
    }
    p->depth = (uint32_t)in->dims[a];
    p->exclusive = (uint8_t)hil_fb_u8(&g->fb, &node->options, HIL_CUMSUM_OPT_EXCLUSIVE, 0);
    p->reverse = (uint8_t)hil_fb_u8(&g->fb, &node->options, HIL_CUMSUM_OPT_REVERSE, 0);
    *params = p;
    node->params = p;
    return HIL_OK;
}

/* The element index of step `k` along the axis of line (o, i), in summing order. */
static inline uint32_t hil_cumsum_index(const hil_cumsum_params *p, uint32_t o, uint32_t i, uint32_t k)
{
    uint32_t d = p->reverse ? p->depth - 1 - k : k;
    return (o * p->depth + d) * p->inner + i;
}

#endif
