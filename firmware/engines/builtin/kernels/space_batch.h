/* SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND (dilated convolutions convert to them around the
 * CONV_2D), any element size: TFLM supports 3-D NHC (width 1) and 4-D NHWC tensors, a constant
 * int32 block shape and constant int32 paddings / crops. The shared geometry, with the "space"
 * tensor (SPACE_TO_BATCH's input, BATCH_TO_SPACE's output) and the "batch" tensor named as in
 * the padded layout: space_h + pad_top + pad_bottom == batch_h * block_h. Header-only. */
#ifndef HIL_SPACE_BATCH_H
#define HIL_SPACE_BATCH_H
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"

typedef struct {
    int32_t space_b, space_h, space_w, batch_b, batch_h, batch_w, depth_bytes;
    int32_t block_h, block_w, pad_top, pad_left;
} hil_space_batch;

static inline int32_t hil_sb_value(const hil_tensor *t, uint32_t i) { return (int32_t)hil_le32(t->data + 4u * i); }

/* `space`/`batch`: the tensors in the roles above; `pads`: SPACE_TO_BATCH's paddings or
 * BATCH_TO_SPACE's crops. Sets node->params. */
static inline int hil_space_batch_prepare(hil_graph *g, hil_node *node, const hil_tensor *space,
                                          const hil_tensor *batch)
{
    const hil_tensor *in = hil_node_input(g, node, 0), *block = hil_node_input(g, node, 1);
    const hil_tensor *pads = hil_node_input(g, node, 2), *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 3 || hil_node_num_outputs(node) != 1 || !in || !block || !pads || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, a block shape, paddings or crops and an output");
    if (in->type != out->type || in->ndim != out->ndim || in->ndim < 3 || in->ndim > 4)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input and output must be 3-D or 4-D of one type (as in TFLM)");
    uint32_t spatial = in->ndim == 4 ? 2u : 1u;
    if (!block->is_const || block->type != HIL_INT32 || hil_num_elements(block) != spatial || !pads->is_const ||
        pads->type != HIL_INT32 || hil_num_elements(pads) != 2u * spatial)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED,
                          "block shape and paddings or crops must be constant int32, one per spatial dimension");
    hil_space_batch *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    int w4 = in->ndim == 4;
    p->block_h = hil_sb_value(block, 0);
    p->block_w = w4 ? hil_sb_value(block, 1) : 1;
    p->pad_top = hil_sb_value(pads, 0);
    p->pad_left = w4 ? hil_sb_value(pads, 2) : 0;
    int32_t pad_bottom = hil_sb_value(pads, 1), pad_right = w4 ? hil_sb_value(pads, 3) : 0;
    p->space_b = space->dims[0], p->space_h = space->dims[1], p->space_w = w4 ? space->dims[2] : 1;
    p->batch_b = batch->dims[0], p->batch_h = batch->dims[1], p->batch_w = w4 ? batch->dims[2] : 1;
    p->depth_bytes = (int32_t)(space->bytes / ((uint32_t)p->space_b * (uint32_t)p->space_h * (uint32_t)p->space_w));
    /* The converter writes a free batch (a dilated convolution of a model without a fixed batch)
     * unmultiplied; TFLM then runs a convolution of part of the input (not the dilated one). */
    if (p->block_h >= 1 && p->block_w >= 1 && p->block_h * p->block_w > 1 && p->batch_b == p->space_b)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED,
                          "batch is not batch x block (a dilated conv with a free batch): convert with Input(batch_size=1)");
    if (p->block_h < 1 || p->block_w < 1 || p->pad_top < 0 || p->pad_left < 0 || pad_bottom < 0 || pad_right < 0 ||
        (int64_t)p->batch_b != (int64_t)p->space_b * p->block_h * p->block_w ||
        (int64_t)p->space_h + p->pad_top + pad_bottom != (int64_t)p->batch_h * p->block_h ||
        (int64_t)p->space_w + p->pad_left + pad_right != (int64_t)p->batch_w * p->block_w ||
        space->dims[in->ndim - 1] != batch->dims[in->ndim - 1])
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "shapes do not match the block shape and paddings");
    node->params = p;
    return HIL_OK;
}

/* Copies between the two layouts: every batch-layout pixel (b, h, w) maps to space-layout pixel
 * (b % space_b, h * block_h + shift / block_w - pad_top, w * block_w + shift % block_w -
 * pad_left) with shift = b / space_b, or into the padding. `to_batch` (SPACE_TO_BATCH): each
 * output pixel reads its space pixel, or is zero bytes in the padding; else (BATCH_TO_SPACE)
 * each input pixel is written to its space pixel unless cropped away. */
static inline int hil_space_batch_copy(hil_graph *g, const hil_node *node, int to_batch)
{
    const hil_space_batch *p = node->params;
    const uint8_t *in = hil_node_input(g, node, 0)->data;
    uint8_t *out = hil_node_output(g, node, 0)->data;
    const size_t px = (size_t)p->depth_bytes;
    size_t batch_px = 0;
    for (int32_t b = 0; b < p->batch_b; b++) {
        int32_t space_b = b % p->space_b, shift = b / p->space_b;
        for (int32_t h = 0; h < p->batch_h; h++) {
            int32_t sh = h * p->block_h + shift / p->block_w - p->pad_top;
            for (int32_t w = 0; w < p->batch_w; w++, batch_px++) {
                int32_t sw = w * p->block_w + shift % p->block_w - p->pad_left;
                int inside = sh >= 0 && sh < p->space_h && sw >= 0 && sw < p->space_w;
                size_t space_px = ((size_t)space_b * (size_t)p->space_h + (size_t)sh) * (size_t)p->space_w + (size_t)sw;
                if (to_batch && !inside)
                    memset(out + batch_px * px, 0, px);
                else if (to_batch)
                    memcpy(out + batch_px * px, in + space_px * px, px);
                else if (inside)
                    memcpy(out + space_px * px, in + batch_px * px, px);
            }
        }
    }
    return HIL_OK;
}

#endif
