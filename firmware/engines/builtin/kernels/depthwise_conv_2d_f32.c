/* DEPTHWISE_CONV_2D, float32, NHWC, weights [1, kh, kw, in_c * multiplier], optional float32
 * bias: TFLM's reference_ops::DepthwiseConv. Output channel ic * multiplier + m reads input
 * channel ic; taps are accumulated by row then column, then bias and fused activation. */
#include "conv_f32.h"

static int dw_f32_prepare(hil_graph *g, hil_node *node) { return hil_conv_f32_prepare(g, node, HIL_DEPTHWISE); }

static void dw_f32_pixel(const hil_conv_f32_params *p, const float *in_batch, const float *filter,
                         const float *bias, const hil_conv_pixel *px, float *out)
{
    const int32_t row = p->in_w * p->in_c;
    for (int32_t ic = 0; ic < p->in_c; ic++) {
        for (int32_t m = 0; m < p->multiplier; m++) {
            const int32_t oc = ic * p->multiplier + m;
            float total = 0.0f;
            for (int32_t fy = px->fy0; fy < px->fy1; fy++) {
                const float *in_row = in_batch + (px->in_y0 + fy * p->dilation_h) * row + ic;
                const float *w_row = filter + fy * p->filter_w * p->out_c + oc;
                for (int32_t fx = px->fx0; fx < px->fx1; fx++)
                    total += in_row[(px->in_x0 + fx * p->dilation_w) * p->in_c] * w_row[fx * p->out_c];
            }
            float bias_value = bias ? bias[oc] : 0.0f;
            out[oc] = hil_f32_clamp(total + bias_value, p->act_min, p->act_max);
        }
    }
}

static int dw_f32_eval(hil_graph *g, hil_node *node)
{
    const hil_conv_f32_params *p = node->params;
    const hil_conv_data d = hil_conv_data_of(g, node);
    const float *input = d.input;
    float *out = d.output;
    for (hil_conv_pixel px = hil_conv_first_pixel(&p->geo); px.batch < p->batches; hil_conv_next_pixel(&p->geo, &px)) {
        dw_f32_pixel(p, input + px.batch * p->in_h * p->in_w * p->in_c, d.filter, d.bias, &px, out);
        out += p->out_c;
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_depthwise_conv_2d_f32 = {4, "DEPTHWISE_CONV_2D", dw_f32_prepare, dw_f32_eval};
