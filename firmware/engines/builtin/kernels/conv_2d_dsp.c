/* CONV_2D, int8, optimized paths (HIL_OPT_KERNELS): im2col + the 2x2 SIMD matrix multiply of
 * gemm_dsp.h, bit-exact with the reference arithmetic of conv_2d.c (tests/test_opt_kernels.c).
 * Grouped convolutions keep the reference path. A 1x1 stride-1 convolution is a plain matrix
 * multiply over the input pixels; anything else copies the windows of two output pixels into
 * an int8 buffer (padding taps take the input zero point, which the offset turns into 0, as
 * TFLM skipping them), then packs them into the column buffer.
 * Compiled inside conv_2d.c's translation unit (included at its end; alone it compiles to
 * nothing): the compiler then sees the kernel whole, as before the
 * split, and generates the same instructions. Compiled separately, register allocation
 * moved DEPTHWISE_CONV_2D's instruction counts by up to 0.6% per layer. */

#ifdef HIL_DSP_IN_KERNEL_UNIT
#include <string.h>

#include "gemm_dsp.h"
#include "padding.h"

#if HIL_OPT_KERNELS

static int32_t kernel_size(const conv_params *p) { return p->filter_h * p->filter_w * p->filter_c; }
static uint32_t align8(uint32_t v) { return (v + 7u) & ~7u; }

static int conv_dsp_prepare(hil_graph *g, hil_node *node, conv_params *p)
{
    if (!hil_opt_enabled || p->filter_c != p->in_c)
        return HIL_OK;
    int32_t k = kernel_size(p);
    if (p->act_min == -128 && p->act_max == 127) { /* idle channels need the fast stage (gemm_dsp.h) */
        const hil_tensor *bias = hil_node_input(g, node, 2);
        int status = hil_requant_fold_idle(g, node, &p->requant, (const int8_t *)hil_node_input(g, node, 1)->data,
                                           bias ? (const int32_t *)(const void *)bias->data : 0, p->input_offset,
                                           p->output_offset, k, 1, k);
        if (status != HIL_OK)
            return status;
    }
    p->fast = (uint8_t)hil_stage_fast(&p->requant, p->act_min, p->act_max);
    /* scratch: the column buffer, then the channel table, then two int8 windows for im2col */
    uint32_t bytes = 4u * hil_cols_words(k) + (p->fast ? hil_chan_table_bytes(p->out_c) : 0u);
    if (p->filter_h == 1 && p->filter_w == 1 && p->stride_h == 1 && p->stride_w == 1) {
        p->path = CONV_POINTWISE;
    } else {
        p->path = CONV_IM2COL;
        bytes += 2u * align8((uint32_t)k);
    }
    return hil_request_scratch(g, node, bytes);
}

/* The window of output pixel `pixel` (batch-major raster order) as k int8 values. */
static void im2col(const conv_params *p, const int8_t *input, int32_t pixel, int8_t *dst)
{
    const int8_t pad = (int8_t)(-p->input_offset);
    const int32_t tap_bytes = p->in_c, row_bytes = p->filter_w * p->in_c;
    int32_t ox = pixel % p->out_w, oy = (pixel / p->out_w) % p->out_h, b = pixel / (p->out_w * p->out_h);
    const int8_t *in_batch = input + b * p->in_h * p->in_w * p->in_c;
    int32_t in_y0 = oy * p->stride_h - p->pad_h, in_x0 = ox * p->stride_w - p->pad_w;
    int32_t fx0, fx1;
    hil_window_taps(in_x0, p->in_w, p->filter_w, p->dilation_w, &fx0, &fx1);
    for (int32_t fy = 0; fy < p->filter_h; fy++, dst += row_bytes) {
        int32_t iy = in_y0 + fy * p->dilation_h;
        if (iy < 0 || iy >= p->in_h) {
            memset(dst, pad, (size_t)row_bytes);
            continue;
        }
        const int8_t *in_row = in_batch + iy * p->in_w * p->in_c;
        memset(dst, pad, (size_t)(fx0 * tap_bytes));
        if (p->dilation_w == 1) {
            memcpy(dst + fx0 * tap_bytes, in_row + (in_x0 + fx0) * p->in_c, (size_t)((fx1 - fx0) * tap_bytes));
        } else {
            for (int32_t fx = fx0; fx < fx1; fx++)
                memcpy(dst + fx * tap_bytes, in_row + (in_x0 + fx * p->dilation_w) * p->in_c, (size_t)tap_bytes);
        }
        memset(dst + fx1 * tap_bytes, pad, (size_t)((p->filter_w - fx1) * tap_bytes));
    }
}

static int conv_dsp_eval(hil_graph *g, hil_node *node)
{
    const conv_params *p = node->params;
    const int8_t *input = (const int8_t *)hil_node_input(g, node, 0)->data;
    const int8_t *filter = (const int8_t *)hil_node_input(g, node, 1)->data;
    const hil_tensor *bias_t = hil_node_input(g, node, 2);
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    const hil_out_stage o = {bias_t ? (const int32_t *)(const void *)bias_t->data : 0, &p->requant,
                             p->output_offset, p->act_min, p->act_max};
    const int32_t k = kernel_size(p), pixels = p->batches * p->out_h * p->out_w;
    uint32_t *cols = hil_scratch(g, node);
    int32_t *tbl = p->fast ? (int32_t *)(cols + hil_cols_words(k)) : 0;
    int8_t *win_a = (int8_t *)(cols + hil_cols_words(k)) + (p->fast ? hil_chan_table_bytes(p->out_c) : 0u);
    int8_t *win_b = win_a + align8((uint32_t)k);
    if (tbl)
        hil_chan_table(o.bias, &p->requant, p->output_offset, p->out_c, tbl);

    for (int32_t px = 0; px < pixels; px += 2) {
        int two = px + 1 < pixels;
        const int8_t *a, *b = 0;
        if (p->path == CONV_POINTWISE) {
            a = input + px * k;
            b = two ? a + k : 0;
        } else {
            im2col(p, input, px, win_a);
            a = win_a;
            if (two) {
                im2col(p, input, px + 1, win_b);
                b = win_b;
            }
        }
        hil_cols_pack(a, b, k, p->input_offset, cols);
        hil_gemm_s8(cols, filter, k, k, p->out_c, &o, tbl, out + px * p->out_c, two ? out + (px + 1) * p->out_c : 0);
    }
    return HIL_OK;
}

#else

static int conv_dsp_prepare(hil_graph *g, hil_node *node, conv_params *p) { return HIL_OK; }
static int conv_dsp_eval(hil_graph *g, hil_node *node) { return HIL_ERR_INVOKE_FAILED; }

#endif

#endif /* HIL_DSP_IN_KERNEL_UNIT */
