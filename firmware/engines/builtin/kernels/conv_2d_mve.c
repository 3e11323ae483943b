/* CONV_2D, int8, Helium path (HIL_MVE_KERNELS), bit-exact with the reference arithmetic of
 * conv_2d.c (firmware/tests/test_opt_kernels.c in the HIL_MVE_EMULATION build, and on QEMU's
 * Cortex-M55). Grouped convolutions keep the reference path.
 * hil_mve_gemm3 (gemm_mve.c) computes every output channel of three output pixels at a time from
 * their windows as raw int8 rows, copied into three window buffers (taps in the padding take the
 * input zero point; a 1x1 window is one input pixel). The copy is what lets the output overlap
 * the input (alias.h, group of three): the three pixels are read before any of their outputs is
 * written. The input offset is folded into per-channel initial values, rebuilt by every invoke
 * (weights read in place). Scratch: the three windows, then the channel table. */
#include "conv_2d.h"
#include "mve.h"
#include "padding.h"

#if HIL_MVE_KERNELS

static int32_t kernel_size(const conv_params *p) { return p->filter_h * p->filter_w * p->filter_c; }
/* A 1x1 window (any stride; never in the padding) is the input pixel itself. */
static int pointwise(const conv_params *p) { return p->filter_h == 1 && p->filter_w == 1; }
static uint32_t window_bytes(const conv_params *p) { return ((uint32_t)kernel_size(p) + 3u) & ~3u; }
static uint32_t windows_bytes(const conv_params *p) { return HIL_MVE_PIXELS * window_bytes(p); }

int hil_conv_mve_prepare(hil_graph *g, hil_node *node, conv_params *p)
{
    if (!hil_opt_enabled || p->filter_c != p->in_c)
        return HIL_OK;
    p->path = CONV_MVE;
    return hil_request_scratch(g, node, windows_bytes(p) + 4u * HIL_MVE_CHAN_WORDS * (uint32_t)p->out_c);
}

/* Where output pixel `pixel`'s 1x1 window starts in the input. */
static int32_t pixel_offset(const conv_params *p, int32_t pixel)
{
    int32_t ox = pixel % p->out_w, oy = (pixel / p->out_w) % p->out_h, b = pixel / (p->out_w * p->out_h);
    return ((b * p->in_h + oy * p->stride_h) * p->in_w + ox * p->stride_w) * p->in_c;
}

/* The window of output pixel `pixel` (batch-major raster order) as k int8 values at dst. */
static void window(const conv_params *p, const int8_t *input, int32_t pixel, int8_t *dst)
{
    const int8_t pad = (int8_t)(-p->input_offset);
    const int32_t tap = p->in_c, row = p->filter_w * tap;
    int32_t ox = pixel % p->out_w, oy = (pixel / p->out_w) % p->out_h, b = pixel / (p->out_w * p->out_h);
    const int8_t *in_batch = input + b * p->in_h * p->in_w * p->in_c;
    int32_t in_y0 = oy * p->stride_h - p->pad_h, in_x0 = ox * p->stride_w - p->pad_w, fx0, fx1;
    hil_window_taps(in_x0, p->in_w, p->filter_w, p->dilation_w, &fx0, &fx1);
    for (int32_t fy = 0; fy < p->filter_h; fy++, dst += row) {
        int32_t iy = in_y0 + fy * p->dilation_h;
        if (iy < 0 || iy >= p->in_h || fx0 == fx1) {
            hil_mve_fill(dst, pad, row);
            continue;
        }
        const int8_t *in_row = in_batch + iy * p->in_w * p->in_c;
        hil_mve_fill(dst, pad, fx0 * tap);
        if (p->dilation_w == 1)
            hil_mve_copy(dst + fx0 * tap, in_row + (in_x0 + fx0) * tap, (fx1 - fx0) * tap);
        else
            for (int32_t fx = fx0; fx < fx1; fx++)
                hil_mve_copy(dst + fx * tap, in_row + (in_x0 + fx * p->dilation_w) * tap, tap);
        hil_mve_fill(dst + fx1 * tap, pad, (p->filter_w - fx1) * tap);
    }
}

int hil_conv_mve_eval(hil_graph *g, hil_node *node)
{
    const conv_params *p = node->params;
    const int8_t *input = (const int8_t *)hil_node_input(g, node, 0)->data;
    const int8_t *filter = (const int8_t *)hil_node_input(g, node, 1)->data;
    const hil_tensor *bias_t = hil_node_input(g, node, 2);
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    const int32_t k = kernel_size(p), pixels = p->batches * p->out_h * p->out_w;
    int8_t *win = hil_scratch(g, node);
    int32_t *tbl = (int32_t *)(void *)(win + windows_bytes(p));
    const hil_mve_stage st = {&p->requant, p->output_offset, p->act_min, p->act_max};
    HIL_MVE_RAN();
    hil_mve_acc_init(filter, k, k, p->out_c, bias_t ? (const int32_t *)(const void *)bias_t->data : 0,
                     p->input_offset, &p->requant, tbl);
    for (int32_t px = 0; px < pixels; px += HIL_MVE_PIXELS) {
        int32_t n = pixels - px < HIL_MVE_PIXELS ? pixels - px : HIL_MVE_PIXELS;
        const int8_t *x[HIL_MVE_PIXELS];
        for (int32_t i = 0; i < HIL_MVE_PIXELS; i++) {
            if (i >= n) { /* past the last pixel: the first one again, not stored */
                x[i] = x[0];
                continue;
            }
            int8_t *dst = win + (uint32_t)i * window_bytes(p);
            if (pointwise(p))
                hil_mve_copy(dst, input + pixel_offset(p, px + i), k);
            else
                window(p, input, px + i, dst);
            x[i] = dst;
        }
        hil_mve_gemm3(x, filter, k, k, p->out_c, tbl, &st, out + px * p->out_c, p->out_c, n);
    }
    return HIL_OK;
}

#else

int hil_conv_mve_prepare(hil_graph *g, hil_node *node, conv_params *p) { return HIL_OK; }
int hil_conv_mve_eval(hil_graph *g, hil_node *node) { return HIL_ERR_INVOKE_FAILED; }

#endif
