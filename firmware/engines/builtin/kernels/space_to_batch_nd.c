/* SPACE_TO_BATCH_ND, any element size (space_batch.h), as TFLM's reference: output pixel
 * (b, h, w) of output batch b = shift * space_b + input batch reads input pixel
 * (h * block_h + shift_h - pad_top, w * block_w + shift_w - pad_left), or is padding. TFLM pads
 * with params.output_offset, a field its kernel never sets: zero bytes when its persistent buffer
 * comes from a fresh (zeroed) arena, as on a device after reset, and what this kernel writes, for
 * int8 too, whatever the zero point (TFLite pads int8 with the zero point instead). */
#include "space_batch.h"

static int space_to_batch_prepare(hil_graph *g, hil_node *node)
{
    hil_space_batch *p = 0;
    int status = hil_space_batch_prepare(g, node, hil_node_input(g, node, 0), hil_node_output(g, node, 0), &p);
    if (status == HIL_OK)
        node->params = p;
    return status;
}

static int space_to_batch_eval(hil_graph *g, hil_node *node)
{
    const hil_space_batch *p = node->params;
    const uint8_t *in = hil_node_input(g, node, 0)->data;
    uint8_t *out = hil_node_output(g, node, 0)->data;
    const size_t px = (size_t)p->depth_bytes;
    for (int32_t ob = 0; ob < p->batch_b; ob++) {
        int32_t ib = ob % p->space_b, shift = ob / p->space_b;
        int32_t shift_w = shift % p->block_w, shift_h = shift / p->block_w;
        for (int32_t oh = 0; oh < p->batch_h; oh++) {
            int32_t ih = oh * p->block_h + shift_h - p->pad_top;
            for (int32_t ow = 0; ow < p->batch_w; ow++, out += px) {
                int32_t iw = ow * p->block_w + shift_w - p->pad_left;
                if (ih < 0 || ih >= p->space_h || iw < 0 || iw >= p->space_w)
                    memset(out, 0, px);
                else
                    memcpy(out, in + (((size_t)ib * (size_t)p->space_h + (size_t)ih) * (size_t)p->space_w + (size_t)iw) * px, px);
            }
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_space_to_batch_nd = {38, "SPACE_TO_BATCH_ND", space_to_batch_prepare, space_to_batch_eval};
