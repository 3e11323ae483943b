/* CONV_2D 16x8, optimized path (HIL_OPT_KERNELS): the 16x8 matrix multiply (gemm_dsp16.h) over
 * two output pixels at a time, bit for bit equal to conv_2d_i16.c's reference loops. A 1x1
 * stride-1 convolution reads its input pixels directly; other layers copy the windows of two
 * pixels into int16 buffers first (taps outside the image become 0, which adds nothing: TFLM
 * skips them and applies no input offset). Grouped convolutions keep the reference path. */
#include <string.h>

#include "conv_2d_i16.h"
#include "gemm_dsp.h"
#include "gemm_dsp16.h"
#include "padding.h"

#if HIL_OPT_KERNELS

static int32_t kernel_size(const hil_conv16_params *p) { return p->filter_h * p->filter_w * p->filter_c; }
static uint32_t window_bytes(int32_t k) { return (2u * (uint32_t)k + 7u) & ~7u; }

int hil_conv16_choose_path(hil_graph *g, hil_node *node, hil_conv16_params *p)
{
    if (p->filter_c != p->in_c)
        return HIL_OK;
    const int32_t k = kernel_size(p);
    /* scratch: the channel table (int64 stage), the column buffer, two int16 windows for im2col */
    uint32_t bytes = (p->stage.acc32 ? 0u : hil_chan16_bytes(p->out_c)) + 4u * hil_cols_words(k);
    if (p->filter_h == 1 && p->filter_w == 1 && p->stride_h == 1 && p->stride_w == 1) {
        p->path = HIL_CONV16_POINTWISE;
    } else {
        p->path = HIL_CONV16_IM2COL;
        bytes += 2u * window_bytes(k);
    }
    return hil_request_scratch(g, node, bytes);
}

/* The window of output pixel `pixel` (batch-major raster order) as k int16 values. */
static void im2col16(const hil_conv16_params *p, const int16_t *input, int32_t pixel, int16_t *dst)
{
    const int32_t tap = p->in_c, row_vals = p->filter_w * p->in_c;
    int32_t ox = pixel % p->out_w, oy = (pixel / p->out_w) % p->out_h, b = pixel / (p->out_w * p->out_h);
    const int16_t *in_batch = input + b * p->in_h * p->in_w * p->in_c;
    int32_t in_y0 = oy * p->stride_h - p->pad_h, in_x0 = ox * p->stride_w - p->pad_w, fx0, fx1;
    hil_window_taps(in_x0, p->in_w, p->filter_w, p->dilation_w, &fx0, &fx1);
    for (int32_t fy = 0; fy < p->filter_h; fy++, dst += row_vals) {
        int32_t iy = in_y0 + fy * p->dilation_h;
        if (iy < 0 || iy >= p->in_h) {
            memset(dst, 0, 2u * (uint32_t)row_vals);
            continue;
        }
        const int16_t *in_row = in_batch + iy * p->in_w * p->in_c;
        memset(dst, 0, 2u * (uint32_t)(fx0 * tap));
        for (int32_t fx = fx0; fx < fx1; fx++)
            memcpy(dst + fx * tap, in_row + (in_x0 + fx * p->dilation_w) * p->in_c, 2u * (uint32_t)tap);
        memset(dst + fx1 * tap, 0, 2u * (uint32_t)((p->filter_w - fx1) * tap));
    }
}

void hil_conv16_eval_opt(hil_graph *g, const hil_node *node, const hil_conv16_params *p, const int16_t *input,
                         const int8_t *filter, int16_t *out)
{
    const int32_t k = kernel_size(p), pixels = p->batches * p->out_h * p->out_w;
    hil_chan16 *tbl = p->stage.acc32 ? 0 : hil_scratch(g, node);
    uint32_t *cols = (uint32_t *)(void *)((uint8_t *)hil_scratch(g, node) + (tbl ? hil_chan16_bytes(p->out_c) : 0u));
    int16_t *win_a = (int16_t *)(void *)(cols + hil_cols_words(k));
    int16_t *win_b = win_a + window_bytes(k) / 2u;
    if (tbl)
        hil_chan16_table(&p->stage, p->out_c, tbl);
    for (int32_t px = 0; px < pixels; px += 2) {
        const int two = px + 1 < pixels;
        const int16_t *a, *b = 0;
        if (p->path == HIL_CONV16_POINTWISE) {
            a = input + px * k;
            b = two ? a + k : 0;
        } else {
            im2col16(p, input, px, win_a);
            a = win_a;
            if (two) {
                im2col16(p, input, px + 1, win_b);
                b = win_b;
            }
        }
        hil_cols_pack16(a, b, k, cols);
        hil_gemm_s16(cols, filter, k, k, p->out_c, &p->stage, tbl, out + px * p->out_c,
                     two ? out + (px + 1) * p->out_c : 0);
    }
}

#else

int hil_conv16_choose_path(hil_graph *g, hil_node *node, hil_conv16_params *p) { return HIL_OK; }
void hil_conv16_eval_opt(hil_graph *g, const hil_node *node, const hil_conv16_params *p, const int16_t *input,
                         const int8_t *filter, int16_t *output)
{
}

#endif
