/* RESIZE_NEAREST_NEIGHBOR of 4-D NHWC tensors, any element size (TFLM: float32, int8, int16),
 * as TFLM's reference: each output pixel copies the input pixel GetNearestNeighbor picks, in
 * single precision: scale = in / out (or (in - 1) / (out - 1) with align_corners), source =
 * floor((o + offset) * scale) (roundf with align_corners), offset 0.5 with half_pixel_centers,
 * clamped to the input. The size input must be the constant int32 output height and width. */
#include <math.h>
#include <string.h>

#include "resize.h"

enum { OPT_ALIGN_CORNERS = 0, OPT_HALF_PIXEL_CENTERS = 1 }; /* ResizeNearestNeighborOptions */

static int resize_nn_prepare(hil_graph *g, hil_node *node)
{
    return hil_resize_prepare(g, node, OPT_ALIGN_CORNERS, OPT_HALF_PIXEL_CENTERS);
}

static int32_t nearest(int32_t o, int32_t in_size, int32_t out_size, int align_corners, int half_pixel_centers)
{
    const float scale = (align_corners && out_size > 1) ? (float)(in_size - 1) / (float)(out_size - 1)
                                                        : (float)in_size / (float)out_size;
    const float offset = half_pixel_centers ? 0.5f : 0.0f;
    const float at = ((float)o + offset) * scale;
    int32_t v = align_corners ? (int32_t)roundf(at) : (int32_t)floorf(at);
    if (v > in_size - 1)
        v = in_size - 1;
    return half_pixel_centers && v < 0 ? 0 : v;
}

static int resize_nn_eval(hil_graph *g, hil_node *node)
{
    const hil_resize_params *p = node->params;
    const uint8_t *in = hil_node_input(g, node, 0)->data;
    uint8_t *out = hil_node_output(g, node, 0)->data;
    const size_t px = (size_t)p->px_bytes, row = (size_t)p->in_w * px;
    for (int32_t b = 0; b < p->batches; b++) {
        const uint8_t *image = in + (size_t)b * (size_t)p->in_h * row;
        for (int32_t y = 0; y < p->out_h; y++) {
            const uint8_t *src_row = image + (size_t)nearest(y, p->in_h, p->out_h, p->align_corners,
                                                            p->half_pixel_centers) * row;
            for (int32_t x = 0; x < p->out_w; x++, out += px)
                memcpy(out, src_row + (size_t)nearest(x, p->in_w, p->out_w, p->align_corners, p->half_pixel_centers) * px,
                       px);
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_resize_nearest_neighbor = {97, "RESIZE_NEAREST_NEIGHBOR", resize_nn_prepare, resize_nn_eval};
