/* RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR share their prepare: 4-D NHWC input and output of
 * one type and depth, the size input the constant int32 output height and width, and the two
 * options (align_corners, half_pixel_centers) at the option slots the operator's table has them.
 * Header-only (static inline). */
#ifndef HIL_RESIZE_H
#define HIL_RESIZE_H
#include <stdint.h>

#include "graph.h"
#include "hil_protocol.h"

typedef struct {
    int32_t batches, in_h, in_w, out_h, out_w, depth, px_bytes;
    uint8_t align_corners, half_pixel_centers;
} hil_resize_params;

static inline int hil_resize_prepare(hil_graph *g, hil_node *node, unsigned align_slot, unsigned half_pixel_slot)
{
    hil_tensor *in = hil_node_input(g, node, 0), *size = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 1 || !in || !size || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, a size and one output");
    if (in->type != out->type || in->ndim != 4 || out->ndim != 4 || in->dims[0] != out->dims[0] ||
        in->dims[3] != out->dims[3])
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output must be 4-D NHWC of one type and depth");
    if (!size->is_const || size->type != HIL_INT32 || size->ndim != 1 || size->dims[0] != 2 ||
        (int32_t)hil_le32(size->data) != out->dims[1] || (int32_t)hil_le32(size->data + 4) != out->dims[2])
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "size must be the constant int32 output height and width");
    hil_resize_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->batches = in->dims[0], p->in_h = in->dims[1], p->in_w = in->dims[2];
    p->out_h = out->dims[1], p->out_w = out->dims[2], p->depth = in->dims[3];
    p->px_bytes = in->dims[3] * hil_dtype_size(in->type);
    p->align_corners = (uint8_t)hil_fb_u8(&g->fb, &node->options, align_slot, 0);
    p->half_pixel_centers = (uint8_t)hil_fb_u8(&g->fb, &node->options, half_pixel_slot, 0);
    node->params = p;
    return HIL_OK;
}

#endif
