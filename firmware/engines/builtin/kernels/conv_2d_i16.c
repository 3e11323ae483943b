/* CONV_2D 16x8: int16 activations, int8 weights (per-channel or per-tensor, symmetric), int64
 * or int32 bias, NHWC, weights [out_c, kh, kw, in_c / groups]: the arithmetic of TFLM's
 * reference_integer_ops::ConvPerChannel for int16. Unlike int8, TFLM applies no zero points
 * here: products of raw values, the bias, TFLM's int64 (or int32) requantization, the clamp.
 * Padding SAME/VALID, strides, dilation, groups and fused activations. */
#include "conv_2d_i16.h"

#include "hil_protocol.h"
#include "padding.h"
#include "simd.h"

enum { CONV_OPT_QUANTIZED_BIAS_TYPE = 6 }; /* Conv2DOptions field */

static const hil_conv_spec conv16_spec = {HIL_CONV, hil_conv_types_s16, hil_conv_check_weights};

static int conv16_prepare(hil_graph *g, hil_node *node)
{
    hil_conv_tensors t;
    int activation, status;
    hil_conv16_params *p = hil_conv_params_new(g, node, &conv16_spec, sizeof *p, offsetof(hil_conv16_params, geo), &t,
                                               &activation, &status);
    if (!p)
        return status;
    node->params = p;
    status = hil_stage16_prepare(g, node, t.input, t.filter, t.bias, t.output, (uint32_t)p->out_c, activation,
                                 hil_fb_i8(&g->fb, &node->options, CONV_OPT_QUANTIZED_BIAS_TYPE, 0), 0, &p->stage);
    if (status == HIL_OK && HIL_OPT_KERNELS && hil_opt_enabled)
        status = hil_conv16_choose_path(g, node, p);
    /* The reference loops interleave reads and writes per output pixel; the matrix-multiply
     * paths read two pixels before writing them (alias.h). */
    if (status == HIL_OK)
        hil_conv_allow_alias_s16(g, node, &p->geo, p->path == HIL_CONV16_REFERENCE ? 0 : 2);
    return status;
}

/* One output pixel, every output channel: taps [fy0, fy1) x [fx0, fx1) lie inside the image. */
static void conv16_pixel(const hil_conv16_params *p, const int16_t *in_batch, const int8_t *filter, int32_t in_y0,
                         int32_t in_x0, int32_t fy0, int32_t fy1, int32_t fx0, int32_t fx1, int16_t *out)
{
    const int32_t row = p->in_w * p->in_c;
    const int32_t filter_size = p->filter_h * p->filter_w * p->filter_c;
    for (int32_t oc = 0; oc < p->out_c; oc++) {
        const int16_t *in_group = in_batch + (oc / p->filters_per_group) * p->filter_c;
        const int8_t *w_oc = filter + oc * filter_size;
        int64_t acc = 0;
        for (int32_t fy = fy0; fy < fy1; fy++) {
            const int16_t *in_row = in_group + (in_y0 + fy * p->dilation_h) * row;
            const int8_t *w_row = w_oc + fy * p->filter_w * p->filter_c;
            for (int32_t fx = fx0; fx < fx1; fx++) {
                const int16_t *in_px = in_row + (in_x0 + fx * p->dilation_w) * p->in_c;
                const int8_t *w_px = w_row + fx * p->filter_c;
                for (int32_t ic = 0; ic < p->filter_c; ic++)
                    acc += (int32_t)w_px[ic] * (int32_t)in_px[ic];
            }
        }
        out[oc] = hil_stage16_out(&p->stage, acc + hil_stage16_bias(&p->stage, oc), oc);
    }
}

static int conv16_eval(hil_graph *g, hil_node *node)
{
    hil_conv16_params *p = node->params;
    const int16_t *input = (const int16_t *)(const void *)hil_node_input(g, node, 0)->data;
    const int8_t *filter = (const int8_t *)hil_node_input(g, node, 1)->data;
    const hil_tensor *bias = hil_node_input(g, node, 2);
    int16_t *out = (int16_t *)(void *)hil_node_output(g, node, 0)->data;
    p->stage.bias = bias ? bias->data : 0;
    if (p->path != HIL_CONV16_REFERENCE) {
        hil_conv16_eval_opt(g, node, p, input, filter, out);
        return HIL_OK;
    }
    for (int32_t b = 0; b < p->batches; b++) {
        const int16_t *in_batch = input + b * p->in_h * p->in_w * p->in_c;
        for (int32_t oy = 0; oy < p->out_h; oy++) {
            int32_t in_y0 = oy * p->stride_h - p->pad_h, fy0, fy1;
            hil_window_taps(in_y0, p->in_h, p->filter_h, p->dilation_h, &fy0, &fy1);
            for (int32_t ox = 0; ox < p->out_w; ox++) {
                int32_t in_x0 = ox * p->stride_w - p->pad_w, fx0, fx1;
                hil_window_taps(in_x0, p->in_w, p->filter_w, p->dilation_w, &fx0, &fx1);
                conv16_pixel(p, in_batch, filter, in_y0, in_x0, fy0, fy1, fx0, fx1, out);
                out += p->out_c;
            }
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_conv_2d_i16 = {3, "CONV_2D", conv16_prepare, conv16_eval};
