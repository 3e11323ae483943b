/* RESIZE_BILINEAR, int8, 4-D NHWC: TFLM's integer reference (ResizeBilinearInteger). Positions
 * are fixed point with 10 fraction bits: scale = round(1024 * in / out) (in - 1 and out - 1
 * with align_corners), position = o * scale (+ scale / 2 - 512 with half_pixel_centers), the two
 * neighbours its truncated quotient by 1024 (at least 0) and its ceiling (at most in - 1). The
 * four weighted values are summed in 64 bits with 20 fraction bits and rounded half away from
 * zero. Values are not requantized: input and output share their quantization, as TFLM assumes. */
#include "resize.h"

enum { OPT_ALIGN_CORNERS = 2, OPT_HALF_PIXEL_CENTERS = 3 }; /* ResizeBilinearOptions (new_height/width first) */
enum { ONE = 1 << 10 };

static int resize_bilinear_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0);
    if (in && in->type != HIL_INT8)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "only int8 input and output are supported");
    int status = hil_resize_prepare(g, node, OPT_ALIGN_CORNERS, OPT_HALF_PIXEL_CENTERS);
    const hil_resize_params *p = node->params;
    if (status == HIL_OK && p->align_corners && p->half_pixel_centers)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "align_corners and half_pixel_centers are both set");
    return status;
}

static int32_t scale_10(int32_t in_size, int32_t out_size, int align_corners)
{
    if (align_corners && out_size > 1)
        return (ONE * (in_size - 1) + (out_size - 1) / 2) / (out_size - 1);
    return (ONE * in_size + out_size / 2) / out_size;
}

typedef struct {
    int32_t lo, hi;    /* neighbour indices */
    int32_t w_lo, w_hi; /* their weights, 10 fraction bits */
} axis_at;

static axis_at position(int32_t o, int32_t scale, int half_pixel_centers, int32_t in_size)
{
    const int32_t at = half_pixel_centers ? o * scale + scale / 2 - (1 << 9) : o * scale;
    axis_at a;
    a.lo = at / ONE > 0 ? at / ONE : 0;
    a.hi = (at + ONE - 1) / ONE < in_size - 1 ? (at + ONE - 1) / ONE : in_size - 1;
    a.w_hi = at - ONE * a.lo;
    a.w_lo = ONE - a.w_hi;
    return a;
}

static int8_t round_20(int64_t v)
{
    const int64_t round = v > 0 ? (1 << 19) : -(1 << 19);
    return (int8_t)((v + round) / (1 << 20));
}

static int resize_bilinear_eval(hil_graph *g, hil_node *node)
{
    const hil_resize_params *p = node->params;
    const int8_t *in = (const int8_t *)hil_node_input(g, node, 0)->data;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    const int32_t sy = scale_10(p->in_h, p->out_h, p->align_corners);
    const int32_t sx = scale_10(p->in_w, p->out_w, p->align_corners);
    const size_t row = (size_t)p->in_w * (size_t)p->depth;
    for (int32_t b = 0; b < p->batches; b++) {
        const int8_t *image = in + (size_t)b * (size_t)p->in_h * row;
        for (int32_t y = 0; y < p->out_h; y++) {
            const axis_at ay = position(y, sy, p->half_pixel_centers, p->in_h);
            const int8_t *r0 = image + (size_t)ay.lo * row, *r1 = image + (size_t)ay.hi * row;
            for (int32_t x = 0; x < p->out_w; x++) {
                const axis_at ax = position(x, sx, p->half_pixel_centers, p->in_w);
                const size_t c0 = (size_t)ax.lo * (size_t)p->depth, c1 = (size_t)ax.hi * (size_t)p->depth;
                for (int32_t c = 0; c < p->depth; c++, out++) {
                    const int64_t v = (int64_t)r0[c0 + c] * ay.w_lo * ax.w_lo + (int64_t)r1[c0 + c] * ay.w_hi * ax.w_lo +
                                      (int64_t)r0[c1 + c] * ay.w_lo * ax.w_hi + (int64_t)r1[c1 + c] * ay.w_hi * ax.w_hi;
                    *out = round_20(v);
                }
            }
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_resize_bilinear = {23, "RESIZE_BILINEAR", resize_bilinear_prepare, resize_bilinear_eval};
