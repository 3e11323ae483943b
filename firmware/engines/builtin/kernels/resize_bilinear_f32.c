/* RESIZE_BILINEAR, float32, 4-D NHWC: TFLM's float reference, in single precision. scale =
 * in / out ((in - 1) / (out - 1) with align_corners), position = o * scale ((o + 0.5) * scale -
 * 0.5 with half_pixel_centers), neighbours floor (at least 0) and ceil (at most in - 1); the four
 * products are formed and summed in TFLM's order. */
#include <math.h>

#include "common_f32.h"
#include "resize.h"

enum { OPT_ALIGN_CORNERS = 2, OPT_HALF_PIXEL_CENTERS = 3 }; /* ResizeBilinearOptions */

static int resize_bilinear_f32_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0);
    if (in && in->type != HIL_FLOAT32)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "float32 kernel: input and output must be float32");
    int status = hil_resize_prepare(g, node, OPT_ALIGN_CORNERS, OPT_HALF_PIXEL_CENTERS);
    const hil_resize_params *p = node->params;
    if (status == HIL_OK && p->align_corners && p->half_pixel_centers)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "align_corners and half_pixel_centers are both set");
    return status;
}

static float scale_of(int32_t in_size, int32_t out_size, int align_corners)
{
    if (align_corners && out_size > 1)
        return (float)(in_size - 1) / (float)(out_size - 1);
    return (float)in_size / (float)out_size;
}

typedef struct {
    int32_t lo, hi;
    float frac; /* position - lo */
} axis_at;

static axis_at position(int32_t o, float scale, int half_pixel_centers, int32_t in_size)
{
    const float at = half_pixel_centers ? ((float)o + 0.5f) * scale - 0.5f : (float)o * scale;
    const int32_t floor_at = (int32_t)floorf(at), ceil_at = (int32_t)ceilf(at);
    axis_at a;
    a.lo = floor_at > 0 ? floor_at : 0;
    a.hi = ceil_at < in_size - 1 ? ceil_at : in_size - 1;
    a.frac = at - (float)a.lo;
    return a;
}

static int resize_bilinear_f32_eval(hil_graph *g, hil_node *node)
{
    const hil_resize_params *p = node->params;
    const float *in = (const float *)(const void *)hil_node_input(g, node, 0)->data;
    float *out = (float *)(void *)hil_node_output(g, node, 0)->data;
    const float sy = scale_of(p->in_h, p->out_h, p->align_corners);
    const float sx = scale_of(p->in_w, p->out_w, p->align_corners);
    const size_t row = (size_t)p->in_w * (size_t)p->depth;
    for (int32_t b = 0; b < p->batches; b++) {
        const float *image = in + (size_t)b * (size_t)p->in_h * row;
        for (int32_t y = 0; y < p->out_h; y++) {
            const axis_at ay = position(y, sy, p->half_pixel_centers, p->in_h);
            const float *r0 = image + (size_t)ay.lo * row, *r1 = image + (size_t)ay.hi * row;
            for (int32_t x = 0; x < p->out_w; x++) {
                const axis_at ax = position(x, sx, p->half_pixel_centers, p->in_w);
                const size_t c0 = (size_t)ax.lo * (size_t)p->depth, c1 = (size_t)ax.hi * (size_t)p->depth;
                for (int32_t c = 0; c < p->depth; c++)
                    *out++ = r0[c0 + c] * (1.0f - ay.frac) * (1.0f - ax.frac) + r1[c0 + c] * ay.frac * (1.0f - ax.frac) +
                             r0[c1 + c] * (1.0f - ay.frac) * ax.frac + r1[c1 + c] * ay.frac * ax.frac;
            }
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_resize_bilinear_f32 = {23, "RESIZE_BILINEAR", resize_bilinear_f32_prepare,
                                                   resize_bilinear_f32_eval};
