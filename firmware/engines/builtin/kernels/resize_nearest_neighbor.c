/* RESIZE_NEAREST_NEIGHBOR of 4-D NHWC tensors, any element size (TFLM: float32, int8, int16),
 * as TFLM's reference: each output pixel copies the input pixel GetNearestNeighbor picks, in
 * single precision: scale = in / out (or (in - 1) / (out - 1) with align_corners), source =
 * floor((o + offset) * scale) (roundf with align_corners), offset 0.5 with half_pixel_centers,
 * clamped to the input. The size input must be the constant int32 output height and width. */
#include <math.h>
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"

enum { OPT_ALIGN_CORNERS = 0, OPT_HALF_PIXEL_CENTERS = 1 }; /* ResizeNearestNeighborOptions */

typedef struct {
    int32_t batches, in_h, in_w, out_h, out_w, px_bytes;
    uint8_t align_corners, half_pixel_centers;
} resize_nn_params;

static int resize_nn_prepare(hil_graph *g, hil_node *node)
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
    resize_nn_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->batches = in->dims[0], p->in_h = in->dims[1], p->in_w = in->dims[2];
    p->out_h = out->dims[1], p->out_w = out->dims[2];
    p->px_bytes = in->dims[3] * hil_dtype_size(in->type);
    p->align_corners = (uint8_t)hil_fb_u8(&g->fb, &node->options, OPT_ALIGN_CORNERS, 0);
    p->half_pixel_centers = (uint8_t)hil_fb_u8(&g->fb, &node->options, OPT_HALF_PIXEL_CENTERS, 0);
    node->params = p;
    return HIL_OK;
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
    const resize_nn_params *p = node->params;
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
