/* DEPTHWISE_CONV_2D 16x8: int16 activations, int8 weights (per-channel or per-tensor,
 * symmetric), int64 bias, NHWC, weights [1, kh, kw, in_c * depth_multiplier]: the arithmetic of
 * TFLM's reference_integer_ops::DepthwiseConvPerChannel for int16 (no zero points, int64
 * accumulator and requantization). Output channel m + ic * multiplier reads input channel ic. */
#include "depthwise_conv_2d_i16.h"

#include "hil_protocol.h"
#include "padding.h"
#include "simd.h"

static const hil_conv_spec dw16_spec = {HIL_DEPTHWISE, hil_conv_types_s16, hil_conv_check_weights};

static int dw16_prepare(hil_graph *g, hil_node *node)
{
    hil_conv_tensors t;
    int activation, status;
    hil_dw16_params *p = hil_conv_params_new(g, node, &dw16_spec, sizeof *p, offsetof(hil_dw16_params, geo), &t,
                                             &activation, &status);
    if (!p)
        return status;
    node->params = p;
    /* TFLM reads this bias as int64 whatever the options say (hil_conv_types_s16 refuses int32). */
    status = hil_stage16_prepare(g, node, t.input, t.filter, t.bias, t.output, (uint32_t)p->out_c, activation,
                                 HIL_INT64, 0, &p->stage);
    /* int32 partial sums in the optimized path: at most 256 taps of |product| <= 2^22. */
    p->optimized = HIL_OPT_KERNELS && hil_opt_enabled && p->multiplier == 1 && p->in_c >= 4 &&
                   p->filter_h * p->filter_w <= 256;
    /* Both paths interleave reads and writes per output pixel (alias.h). */
    if (status == HIL_OK)
        hil_conv_allow_alias_s16(g, node, &p->geo, 0);
    if (status == HIL_OK && p->optimized) /* the output stage's channel table */
        status = hil_request_scratch(g, node, hil_chan16_bytes(p->out_c));
    return status;
}

/* Output channels [oc0, out_c) of one pixel: taps [fy0, fy1) x [fx0, fx1) lie inside the image. */
static void dw16_pixel(const hil_dw16_params *p, const int16_t *in_batch, const int8_t *filter, int32_t in_y0,
                       int32_t in_x0, int32_t fy0, int32_t fy1, int32_t fx0, int32_t fx1, int32_t oc0, int16_t *out)
{
    const int32_t row = p->in_w * p->in_c;
    for (int32_t oc = oc0; oc < p->out_c; oc++) {
        const int32_t ic = oc / p->multiplier;
        int64_t acc = 0;
        for (int32_t fy = fy0; fy < fy1; fy++) {
            const int16_t *in_row = in_batch + (in_y0 + fy * p->dilation_h) * row + ic;
            const int8_t *w_row = filter + fy * p->filter_w * p->out_c + oc;
            for (int32_t fx = fx0; fx < fx1; fx++)
                acc += (int64_t)w_row[fx * p->out_c] * in_row[(in_x0 + fx * p->dilation_w) * p->in_c];
        }
        out[oc] = hil_stage16_out(&p->stage, acc + hil_stage16_bias(&p->stage, oc), oc);
    }
}

static int dw16_eval(hil_graph *g, hil_node *node)
{
    hil_dw16_params *p = node->params;
    const int16_t *input = (const int16_t *)(const void *)hil_node_input(g, node, 0)->data;
    const int8_t *filter = (const int8_t *)hil_node_input(g, node, 1)->data;
    const hil_tensor *bias = hil_node_input(g, node, 2);
    int16_t *out = (int16_t *)(void *)hil_node_output(g, node, 0)->data;
    p->stage.bias = bias ? bias->data : 0;
    hil_chan16 *tbl = p->optimized ? hil_scratch(g, node) : 0;
    if (tbl)
        hil_chan16_table(&p->stage, p->out_c, tbl);
    for (int32_t b = 0; b < p->batches; b++) {
        const int16_t *in_batch = input + b * p->in_h * p->in_w * p->in_c;
        for (int32_t oy = 0; oy < p->out_h; oy++) {
            int32_t in_y0 = oy * p->stride_h - p->pad_h, fy0, fy1;
            hil_window_taps(in_y0, p->in_h, p->filter_h, p->dilation_h, &fy0, &fy1);
            for (int32_t ox = 0; ox < p->out_w; ox++) {
                int32_t in_x0 = ox * p->stride_w - p->pad_w, fx0, fx1;
                hil_window_taps(in_x0, p->in_w, p->filter_w, p->dilation_w, &fx0, &fx1);
                int32_t oc0 = tbl ? hil_dw16_pixel_opt(p, tbl, in_batch, filter, in_y0, in_x0, fy0, fy1, fx0, fx1, out) : 0;
                dw16_pixel(p, in_batch, filter, in_y0, in_x0, fy0, fy1, fx0, fx1, oc0, out);
                out += p->out_c;
            }
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_depthwise_conv_2d_i16 = {4, "DEPTHWISE_CONV_2D", dw16_prepare, dw16_eval};
