/* DEPTHWISE_CONV_2D, int8 activations and weights (per-channel or per-tensor), int32 bias, NHWC
 * input and output, weights [1, kh, kw, in_c * depth_multiplier]: the arithmetic of TFLM's
 * reference_integer_ops::DepthwiseConvPerChannel. Output channel m + ic * multiplier reads input
 * channel ic. Padding SAME/VALID, strides, dilation and fused activations. */
#include "depthwise_conv_2d.h"
#include "padding.h"

/* The optimized paths (depthwise_conv_2d_dsp.c, included at the end of this file). */
static int dw_dsp_prepare(hil_graph *g, hil_node *node, dw_params *p);
static int dw_dsp_eval(hil_graph *g, hil_node *node);

static const hil_conv_spec dw_spec = {HIL_DEPTHWISE, hil_conv_types_s8, hil_conv_check_weights};

static int dw_prepare(hil_graph *g, hil_node *node)
{
    hil_conv_tensors t;
    int activation, status;
    dw_params *p = hil_conv_params_new(g, node, &dw_spec, sizeof *p, offsetof(dw_params, geo), &t, &activation,
                                       &status);
    if (!p)
        return status;
    p->input_offset = -t.input->zero_point;
    p->output_offset = t.output->zero_point;
    hil_activation_range(t.output, activation, &p->act_min, &p->act_max);
    node->params = p;
    status = hil_requant_prepare(g, node, t.input, t.filter, t.output, (uint32_t)p->out_c, &p->requant);
#if HIL_MVE_KERNELS
    if (status == HIL_OK)
        status = hil_dw_mve_prepare(g, node, p); /* depthwise_conv_2d_mve.c, else the DSP paths */
    if (status == HIL_OK && p->path == DW_REFERENCE)
#else
    if (status == HIL_OK)
#endif
        status = dw_dsp_prepare(g, node, p);
    /* The output may overlap the input as far as the path's order of reads and writes allows
     * (alias.h): the reference loops and the four-channel path interleave them per output
     * pixel (the Helium path too); the one-channel matrix-multiply path reads two pixels before
     * writing them, its 3x3 path one. */
    static const uint8_t group[] = {0, 0, 2, 0, 1}; /* by path (DW_*) */
    if (status == HIL_OK)
        hil_conv_allow_alias(g, node, &p->geo, group[p->path]);
    return status;
}

/* One output pixel, every output channel: taps [fy0, fy1) x [fx0, fx1) lie inside the image. */
static void dw_pixel(const dw_params *p, const int8_t *in_batch, const int8_t *filter, const int32_t *bias,
                     int32_t in_y0, int32_t in_x0, int32_t fy0, int32_t fy1, int32_t fx0, int32_t fx1, int8_t *out)
{
    const int32_t row = p->in_w * p->in_c;
    const int per_channel = p->requant.channels > 1;
    for (int32_t ic = 0; ic < p->in_c; ic++) {
        for (int32_t m = 0; m < p->multiplier; m++) {
            const int32_t oc = ic * p->multiplier + m;
            int32_t acc = 0;
            for (int32_t fy = fy0; fy < fy1; fy++) {
                const int8_t *in_row = in_batch + (in_y0 + fy * p->dilation_h) * row + ic;
                const int8_t *w_row = filter + fy * p->filter_w * p->out_c + oc;
                for (int32_t fx = fx0; fx < fx1; fx++) {
                    int32_t in_val = in_row[(in_x0 + fx * p->dilation_w) * p->in_c];
                    acc += (int32_t)w_row[fx * p->out_c] * (in_val + p->input_offset);
                }
            }
            if (bias)
                acc += bias[oc];
            int32_t c = per_channel ? oc : 0;
            acc = hil_multiply_by_quantized_multiplier(acc, p->requant.multiplier[c], p->requant.shift[c]);
            out[oc] = (int8_t)hil_clamp(acc + p->output_offset, p->act_min, p->act_max);
        }
    }
}

static int dw_eval(hil_graph *g, hil_node *node)
{
    const dw_params *p = node->params;
    if (p->path != DW_REFERENCE) /* depthwise_conv_2d_mve.c or depthwise_conv_2d_dsp.c */
        return HIL_MVE_KERNELS && p->path == DW_MVE ? hil_dw_mve_eval(g, node) : dw_dsp_eval(g, node);
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
                dw_pixel(p, in_batch, filter, bias, in_y0, in_x0, fy0, fy1, fx0, fx1, out);
                out += p->out_c;
            }
        }
    }
    return HIL_OK;
}

#define HIL_DSP_IN_KERNEL_UNIT
#include "depthwise_conv_2d_dsp.c"

const hil_kernel hil_kernel_depthwise_conv_2d = {4, "DEPTHWISE_CONV_2D", dw_prepare, dw_eval};
