/* BATCH_TO_SPACE_ND, any element size (space_batch.h), as TFLM's reference: input pixel
 * (b, h, w) of input batch b = shift * space_b + output batch lands at output pixel
 * (h * block_h + shift / block_w - crop_top, w * block_w + shift % block_w - crop_left) unless
 * cropped away. */
#include "space_batch.h"

static int batch_to_space_prepare(hil_graph *g, hil_node *node)
{
    hil_space_batch *p = 0;
    int status = hil_space_batch_prepare(g, node, hil_node_output(g, node, 0), hil_node_input(g, node, 0), &p);
    if (status == HIL_OK)
        node->params = p;
    return status;
}

static int batch_to_space_eval(hil_graph *g, hil_node *node)
{
    const hil_space_batch *p = node->params;
    const uint8_t *in = hil_node_input(g, node, 0)->data;
    uint8_t *out = hil_node_output(g, node, 0)->data;
    const size_t px = (size_t)p->depth_bytes;
    for (int32_t ib = 0; ib < p->batch_b; ib++) {
        int32_t ob = ib % p->space_b, shift = ib / p->space_b;
        for (int32_t ih = 0; ih < p->batch_h; ih++) {
            int32_t oh = ih * p->block_h + shift / p->block_w - p->pad_top;
            for (int32_t iw = 0; iw < p->batch_w; iw++) {
                int32_t ow = iw * p->block_w + shift % p->block_w - p->pad_left;
                if (oh < 0 || oh >= p->space_h || ow < 0 || ow >= p->space_w)
                    continue;
                memcpy(out + (((size_t)ob * (size_t)p->space_h + (size_t)oh) * (size_t)p->space_w + (size_t)ow) * px,
                       in + (((size_t)ib * (size_t)p->batch_h + (size_t)ih) * (size_t)p->batch_w + (size_t)iw) * px, px);
            }
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_batch_to_space_nd = {37, "BATCH_TO_SPACE_ND", batch_to_space_prepare, batch_to_space_eval};
