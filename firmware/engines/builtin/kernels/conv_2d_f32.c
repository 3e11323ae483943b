/* CONV_2D, float32, NHWC input and output, weights [out_c, kh, kw, in_c / groups], optional
 * float32 bias: TFLM's reference_ops::Conv. Per output pixel and channel the taps inside the
 * image are accumulated (rows, columns, input channels in that order), then the bias is added
 * and the fused activation clamps the sum. Padding SAME/VALID, strides, dilation, groups. */
#include "conv_f32.h"

static int conv_f32_prepare(hil_graph *g, hil_node *node) { return hil_conv_f32_prepare(g, node, HIL_CONV); }

/* One output pixel, every output channel. */
static void conv_f32_pixel(const hil_conv_f32_params *p, const float *in_batch, const float *filter,
                           const float *bias, const hil_conv_pixel *px, float *out)
{
    const int32_t row = p->in_w * p->in_c;
    const int32_t filter_size = p->filter_h * p->filter_w * p->filter_c;
    for (int32_t oc = 0; oc < p->out_c; oc++) {
        const float *in_group = in_batch + (oc / p->filters_per_group) * p->filter_c;
        const float *w_oc = filter + oc * filter_size;
        float total = 0.0f;
        for (int32_t fy = px->fy0; fy < px->fy1; fy++) {
            const float *in_row = in_group + (px->in_y0 + fy * p->dilation_h) * row;
            const float *w_row = w_oc + fy * p->filter_w * p->filter_c;
            for (int32_t fx = px->fx0; fx < px->fx1; fx++) {
                const float *in_px = in_row + (px->in_x0 + fx * p->dilation_w) * p->in_c;
                const float *w_px = w_row + fx * p->filter_c;
                for (int32_t ic = 0; ic < p->filter_c; ic++)
                    total += in_px[ic] * w_px[ic];
            }
        }
        float bias_value = bias ? bias[oc] : 0.0f;
        out[oc] = hil_f32_clamp(total + bias_value, p->act_min, p->act_max);
    }
}

static int conv_f32_eval(hil_graph *g, hil_node *node)
{
    const hil_conv_f32_params *p = node->params;
    const hil_conv_data d = hil_conv_data_of(g, node);
    const float *input = d.input;
    float *out = d.output;
    for (hil_conv_pixel px = hil_conv_first_pixel(&p->geo); px.batch < p->batches; hil_conv_next_pixel(&p->geo, &px)) {
        conv_f32_pixel(p, input + px.batch * p->in_h * p->in_w * p->in_c, d.filter, d.bias, &px, out);
        out += p->out_c;
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_conv_2d_f32 = {3, "CONV_2D", conv_f32_prepare, conv_f32_eval};
