/* CONV_2D, int8 activations and weights (per-channel or per-tensor), int32 bias, NHWC input and
 * output, weights [out_c, kh, kw, in_c / groups]: the arithmetic of TFLM's
 * reference_integer_ops::ConvPerChannel (a per-tensor scale is broadcast over the channels, as
 * TFLM does). Padding SAME/VALID, strides, dilation, groups and fused activations. */
#include <string.h>

#include "alias.h"
#include "gemm_dsp.h"
#include "hil_protocol.h"
#include "padding.h"
#include "quant.h"

/* Conv2DOptions fields. */
enum { OPT_PADDING = 0, OPT_STRIDE_W = 1, OPT_STRIDE_H = 2, OPT_ACTIVATION = 3, OPT_DILATION_W = 4,
       OPT_DILATION_H = 5 };

typedef struct {
    hil_requant requant;
    int32_t input_offset, output_offset;
    int32_t act_min, act_max;
    int32_t batches, in_h, in_w, in_c;
    int32_t out_h, out_w, out_c;
    int32_t filter_h, filter_w, filter_c; /* filter_c = input channels per group */
    int32_t filters_per_group;
    int32_t stride_h, stride_w, dilation_h, dilation_w;
    int32_t pad_h, pad_w;
    uint8_t path; /* PATH_* */
    uint8_t fast; /* the fast output stage (gemm_dsp.h), with a channel table in scratch */
} conv_params;

enum { PATH_REFERENCE = 0, PATH_POINTWISE = 1, PATH_IM2COL = 2 };

static int check_tensors(hil_graph *g, hil_node *node, const hil_tensor *input, const hil_tensor *filter,
                         const hil_tensor *bias, const hil_tensor *output)
{
    if (!input || !filter || !output || hil_node_num_outputs(node) != 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, a filter and one output");
    if (input->type != HIL_INT8 || filter->type != HIL_INT8 || output->type != HIL_INT8)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "only int8 input, weights and output are supported");
    if (bias && bias->type != HIL_INT32)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "bias must be int32");
    if (input->ndim != 4 || filter->ndim != 4 || output->ndim != 4)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input, weights and output must be 4-D (NHWC)");
    if (!filter->is_const)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "weights must be constant");
    if (filter->scales.len > 1 && filter->quantized_dimension != 0)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "per-channel weights must be quantized along dimension 0");
    for (uint32_t i = 0; i < filter->zero_points.len; i++)
        if (hil_fb_vec_i64(&g->fb, filter->zero_points, i) != 0)
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "weights zero point must be 0 (symmetric int8 weights)");
    return HIL_OK;
}

static int choose_path(hil_graph *g, hil_node *node, conv_params *p);

/* The output may overlap the input as far as the chosen path's order of reads and writes
 * allows (alias.h): the reference loops and the four-channel depthwise path interleave them
 * per output pixel; the matrix-multiply paths read two pixels before writing them. */
static void allow_alias(hil_graph *g, hil_node *node, const conv_params *p)
{
    /* An output larger than the arena cannot be planned anyway: skip the per-pixel scan. */
    if ((uint64_t)p->batches * (uint64_t)p->out_h * (uint64_t)p->out_w * (uint64_t)p->out_c > g->arena_size)
        return;
    const hil_window_geometry w = {p->batches, p->in_h, p->in_w, p->in_c, p->out_h, p->out_w, p->out_c,
                                   p->filter_h, p->filter_w, p->stride_h, p->stride_w, p->dilation_h,
                                   p->dilation_w, p->pad_h, p->pad_w};
    hil_allow_alias(g, node, 0, hil_window_alias_limit(&w, p->path == PATH_REFERENCE ? 0 : 2));
}

static int conv_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *input = hil_node_input(g, node, 0);
    hil_tensor *filter = hil_node_input(g, node, 1);
    hil_tensor *bias = hil_node_input(g, node, 2);
    hil_tensor *output = hil_node_output(g, node, 0);
    int status = check_tensors(g, node, input, filter, bias, output);
    if (status != HIL_OK)
        return status;

    conv_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    const hil_fb_table *o = &node->options;
    int padding = hil_fb_i8(&g->fb, o, OPT_PADDING, HIL_PADDING_SAME);
    p->stride_w = hil_fb_i32(&g->fb, o, OPT_STRIDE_W, 0);
    p->stride_h = hil_fb_i32(&g->fb, o, OPT_STRIDE_H, 0);
    p->dilation_w = hil_fb_i32(&g->fb, o, OPT_DILATION_W, 1);
    p->dilation_h = hil_fb_i32(&g->fb, o, OPT_DILATION_H, 1);
    int activation = hil_fb_i8(&g->fb, o, OPT_ACTIVATION, HIL_ACT_NONE);
    if (activation != HIL_ACT_NONE && activation != HIL_ACT_RELU && activation != HIL_ACT_RELU6 &&
        activation != HIL_ACT_RELU_N1_TO_1)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "fused activation must be NONE, RELU, RELU6 or RELU_N1_TO_1");

    p->batches = input->dims[0];
    p->in_h = input->dims[1];
    p->in_w = input->dims[2];
    p->in_c = input->dims[3];
    p->out_c = filter->dims[0];
    p->filter_h = filter->dims[1];
    p->filter_w = filter->dims[2];
    p->filter_c = filter->dims[3];
    if (p->in_c % p->filter_c != 0 || p->out_c % (p->in_c / p->filter_c) != 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input channels do not split into the weights' groups");
    p->filters_per_group = p->out_c / (p->in_c / p->filter_c);

    hil_window_dim wh, ww;
    if (hil_window_axis(padding, p->in_h, p->filter_h, p->stride_h, p->dilation_h, &wh) ||
        hil_window_axis(padding, p->in_w, p->filter_w, p->stride_w, p->dilation_w, &ww))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "invalid padding, stride, dilation or filter size");
    p->out_h = wh.out;
    p->out_w = ww.out;
    p->pad_h = wh.pad;
    p->pad_w = ww.pad;
    if (output->dims[0] != p->batches || output->dims[1] != p->out_h || output->dims[2] != p->out_w ||
        output->dims[3] != p->out_c || (bias && hil_num_elements(bias) != (uint32_t)p->out_c))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "tensor shapes do not agree with the options");

    p->input_offset = -input->zero_point;
    p->output_offset = output->zero_point;
    hil_activation_range(output, activation, &p->act_min, &p->act_max);
    node->params = p;
    status = hil_requant_prepare(g, node, input, filter, output, (uint32_t)p->out_c, &p->requant);
    if (status == HIL_OK)
        status = choose_path(g, node, p);
    if (status == HIL_OK)
        allow_alias(g, node, p);
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
