/* CONV_2D, int8 activations and weights (per-channel or per-tensor), int32 bias, NHWC input and
 * output, weights [out_c, kh, kw, in_c / groups]: the arithmetic of TFLM's
 * reference_integer_ops::ConvPerChannel (a per-tensor scale is broadcast over the channels, as
 * TFLM does). Padding SAME/VALID, strides, dilation, groups and fused activations. */
#include <string.h>

#include "conv_geometry.h"
#include "gemm_dsp.h"
#include "hil_protocol.h"
#include "padding.h"
#include "quant.h"

typedef struct {
    hil_requant requant;
    int32_t input_offset, output_offset;
    int32_t act_min, act_max;
    HIL_CONV_GEOMETRY_MEMBER;
    uint8_t path; /* PATH_* */
    uint8_t fast; /* the fast output stage (gemm_dsp.h), with a channel table in scratch */
} conv_params;

enum { PATH_REFERENCE = 0, PATH_POINTWISE = 1, PATH_IM2COL = 2 };

static int choose_path(hil_graph *g, hil_node *node, conv_params *p);

static int conv_prepare(hil_graph *g, hil_node *node)
{
    hil_conv_tensors t;
    int status = hil_conv_check(g, node, HIL_CONV, HIL_INT8, &t);
    if (status != HIL_OK)
        return status;
    conv_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    int activation;
    status = hil_conv_geometry_read(g, node, HIL_CONV, &t, &p->geo, &activation);
    if (status != HIL_OK)
        return status;

    p->input_offset = -t.input->zero_point;
    p->output_offset = t.output->zero_point;
    hil_activation_range(t.output, activation, &p->act_min, &p->act_max);
    node->params = p;
    status = hil_requant_prepare(g, node, t.input, t.filter, t.output, (uint32_t)p->out_c, &p->requant);
    if (status == HIL_OK)
        status = choose_path(g, node, p);
    /* The output may overlap the input as far as the path's order of reads and writes allows
     * (alias.h): the reference loops interleave them per output pixel; the matrix-multiply
     * paths read two pixels before writing them. */
    if (status == HIL_OK)
        hil_conv_allow_alias(g, node, &p->geo, p->path == PATH_REFERENCE ? 0 : 2);
    return status;
}

/* One output pixel, every output channel: taps [fy0, fy1) x [fx0, fx1) lie inside the image. */
static void conv_pixel(const conv_params *p, const int8_t *in_batch, const int8_t *filter, const int32_t *bias,
                       int32_t in_y0, int32_t in_x0, int32_t fy0, int32_t fy1, int32_t fx0, int32_t fx1,
                       int8_t *out)
{
    const int32_t row = p->in_w * p->in_c;
    const int32_t filter_size = p->filter_h * p->filter_w * p->filter_c;
    const int per_channel = p->requant.channels > 1;
    for (int32_t oc = 0; oc < p->out_c; oc++) {
        const int8_t *in_group = in_batch + (oc / p->filters_per_group) * p->filter_c;
        const int8_t *w_oc = filter + oc * filter_size;
        int32_t acc = 0;
        for (int32_t fy = fy0; fy < fy1; fy++) {
            const int8_t *in_row = in_group + (in_y0 + fy * p->dilation_h) * row;
            const int8_t *w_row = w_oc + fy * p->filter_w * p->filter_c;
            for (int32_t fx = fx0; fx < fx1; fx++) {
                const int8_t *in_px = in_row + (in_x0 + fx * p->dilation_w) * p->in_c;
                const int8_t *w_px = w_row + fx * p->filter_c;
                for (int32_t ic = 0; ic < p->filter_c; ic++)
                    acc += (int32_t)w_px[ic] * ((int32_t)in_px[ic] + p->input_offset);
            }
        }
        if (bias)
            acc += bias[oc];
        int32_t c = per_channel ? oc : 0;
        acc = hil_multiply_by_quantized_multiplier(acc, p->requant.multiplier[c], p->requant.shift[c]);
        out[oc] = (int8_t)hil_clamp(acc + p->output_offset, p->act_min, p->act_max);
    }
}

static int conv_eval_opt(hil_graph *g, hil_node *node);

static int conv_eval(hil_graph *g, hil_node *node)
{
    const conv_params *p = node->params;
    if (p->path != PATH_REFERENCE)
        return conv_eval_opt(g, node);
    const int8_t *input = (const int8_t *)hil_node_input(g, node, 0)->data;
    const int8_t *filter = (const int8_t *)hil_node_input(g, node, 1)->data;
    const hil_tensor *bias_t = hil_node_input(g, node, 2);
    const int32_t *bias = bias_t ? (const int32_t *)(const void *)bias_t->data : 0;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;

    for (int32_t b = 0; b < p->batches; b++) {
        const int8_t *in_batch = input + b * p->in_h * p->in_w * p->in_c;
        for (int32_t oy = 0; oy < p->out_h; oy++) {
            int32_t in_y0 = oy * p->stride_h - p->pad_h, fy0, fy1;
            hil_window_taps(in_y0, p->in_h, p->filter_h, p->dilation_h, &fy0, &fy1);
            for (int32_t ox = 0; ox < p->out_w; ox++) {
                int32_t in_x0 = ox * p->stride_w - p->pad_w, fx0, fx1;
                hil_window_taps(in_x0, p->in_w, p->filter_w, p->dilation_w, &fx0, &fx1);
                conv_pixel(p, in_batch, filter, bias, in_y0, in_x0, fy0, fy1, fx0, fx1, out);
                out += p->out_c;
            }
        }
    }
    return HIL_OK;
}

/* ---- optimized paths (HIL_OPT_KERNELS): im2col + the 2x2 SIMD matrix multiply ----
 * Grouped convolutions keep the reference path. A 1x1 stride-1 convolution is a plain matrix
 * multiply over the input pixels; anything else copies the windows of two output pixels into
 * an int8 buffer (padding taps take the input zero point, which the offset turns into 0, as
 * TFLM skipping them), then packs them into the column buffer. */

#if HIL_OPT_KERNELS

static int32_t kernel_size(const conv_params *p) { return p->filter_h * p->filter_w * p->filter_c; }
static uint32_t align8(uint32_t v) { return (v + 7u) & ~7u; }

static int choose_path(hil_graph *g, hil_node *node, conv_params *p)
{
    if (!hil_opt_enabled || p->filter_c != p->in_c)
        return HIL_OK;
    int32_t k = kernel_size(p);
    p->fast = (uint8_t)hil_stage_fast(&p->requant, p->act_min, p->act_max);
    /* scratch: the column buffer, then the channel table, then two int8 windows for im2col */
    uint32_t bytes = 4u * hil_cols_words(k) + (p->fast ? hil_chan_table_bytes(p->out_c) : 0u);
    if (p->filter_h == 1 && p->filter_w == 1 && p->stride_h == 1 && p->stride_w == 1) {
        p->path = PATH_POINTWISE;
    } else {
        p->path = PATH_IM2COL;
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

static int conv_eval_opt(hil_graph *g, hil_node *node)
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
        if (p->path == PATH_POINTWISE) {
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

static int choose_path(hil_graph *g, hil_node *node, conv_params *p) { return HIL_OK; }
static int conv_eval_opt(hil_graph *g, hil_node *node) { return HIL_ERR_INVOKE_FAILED; }

#endif

const hil_kernel hil_kernel_conv_2d = {3, "CONV_2D", conv_prepare, conv_eval};
