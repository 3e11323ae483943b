/* CONV_2D, int8 activations and weights (per-channel or per-tensor), int32 bias, NHWC input and
 * output, weights [out_c, kh, kw, in_c / groups]: the arithmetic of TFLM's
 * reference_integer_ops::ConvPerChannel (a per-tensor scale is broadcast over the channels, as
 * TFLM does). Padding SAME/VALID, strides, dilation, groups and fused activations. */
#include "conv_2d.h"
#include "mve.h"
#include "padding.h"

/* The optimized paths (conv_2d_dsp.c, included at the end of this file). */
static int conv_dsp_prepare(hil_graph *g, hil_node *node, conv_params *p);
static int conv_dsp_eval(hil_graph *g, hil_node *node);

static const hil_conv_spec conv_spec = {HIL_CONV, hil_conv_types_s8, hil_conv_check_weights};

static int conv_prepare(hil_graph *g, hil_node *node)
{
    hil_conv_tensors t;
    int activation, status;
    conv_params *p = hil_conv_params_new(g, node, &conv_spec, sizeof *p, offsetof(conv_params, geo), &t, &activation,
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
        status = hil_conv_mve_prepare(g, node, p); /* conv_2d_mve.c, else the DSP paths */
    if (status == HIL_OK && p->path == CONV_REFERENCE)
#else
    if (status == HIL_OK)
#endif
        status = conv_dsp_prepare(g, node, p);
    /* The output may overlap the input as far as the path's order of reads and writes allows
     * (alias.h): the reference loops interleave them per output pixel; the matrix-multiply
     * paths read two pixels (Helium: three) before writing them. */
    if (status == HIL_OK) {
        int group = HIL_MVE_KERNELS && p->path == CONV_MVE ? HIL_MVE_PIXELS : 2;
        hil_conv_allow_alias(g, node, &p->geo, p->path == CONV_REFERENCE ? 0 : group);
    }
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

static int conv_eval(hil_graph *g, hil_node *node)
{
    const conv_params *p = node->params;
    if (p->path != CONV_REFERENCE) /* conv_2d_mve.c or conv_2d_dsp.c */
        return HIL_MVE_KERNELS && p->path == CONV_MVE ? hil_conv_mve_eval(g, node) : conv_dsp_eval(g, node);
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

#define HIL_DSP_IN_KERNEL_UNIT
#include "conv_2d_dsp.c"

const hil_kernel hil_kernel_conv_2d = {3, "CONV_2D", conv_prepare, conv_eval};
