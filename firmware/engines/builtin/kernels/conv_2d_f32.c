/* CONV_2D, float32, NHWC input and output, weights [out_c, kh, kw, in_c / groups], optional
 * float32 bias: TFLM's reference_ops::Conv. Per output pixel and channel the taps inside the
 * image are accumulated (rows, columns, input channels in that order), then the bias is added
 * and the fused activation clamps the sum. Padding SAME/VALID, strides, dilation, groups. */
#include "common_f32.h"
#include "conv_geometry.h"

typedef struct {
    float act_min, act_max;
    HIL_CONV_GEOMETRY_MEMBER;
} conv_f32_params;

static int conv_f32_prepare(hil_graph *g, hil_node *node)
{
    hil_conv_tensors t;
    int status = hil_conv_check(g, node, HIL_CONV, hil_conv_types_f32, 0, &t);
    if (status != HIL_OK)
        return status;
    conv_f32_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    int activation;
    status = hil_conv_geometry_read(g, node, HIL_CONV, &t, &p->geo, &activation);
    if (status != HIL_OK)
        return status;
    hil_f32_activation_range(activation, &p->act_min, &p->act_max); /* one of the four known */
    node->params = p;
    return HIL_OK;
}

/* One output pixel, every output channel: taps [fy0, fy1) x [fx0, fx1) lie inside the image. */
static void conv_f32_pixel(const conv_f32_params *p, const float *in_batch, const float *filter, const float *bias,
                           int32_t in_y0, int32_t in_x0, int32_t fy0, int32_t fy1, int32_t fx0, int32_t fx1,
                           float *out)
{
    const int32_t row = p->in_w * p->in_c;
    const int32_t filter_size = p->filter_h * p->filter_w * p->filter_c;
    for (int32_t oc = 0; oc < p->out_c; oc++) {
        const float *in_group = in_batch + (oc / p->filters_per_group) * p->filter_c;
        const float *w_oc = filter + oc * filter_size;
        float total = 0.0f;
        for (int32_t fy = fy0; fy < fy1; fy++) {
            const float *in_row = in_group + (in_y0 + fy * p->dilation_h) * row;
            const float *w_row = w_oc + fy * p->filter_w * p->filter_c;
            for (int32_t fx = fx0; fx < fx1; fx++) {
                const float *in_px = in_row + (in_x0 + fx * p->dilation_w) * p->in_c;
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
    const conv_f32_params *p = node->params;
    const float *input = (const float *)(const void *)hil_node_input(g, node, 0)->data;
    const float *filter = (const float *)(const void *)hil_node_input(g, node, 1)->data;
    const hil_tensor *bias_t = hil_node_input(g, node, 2);
    const float *bias = bias_t ? (const float *)(const void *)bias_t->data : 0;
    float *out = (float *)(void *)hil_node_output(g, node, 0)->data;
    for (int32_t b = 0; b < p->batches; b++) {
        const float *in_batch = input + b * p->in_h * p->in_w * p->in_c;
        for (int32_t oy = 0; oy < p->out_h; oy++) {
            int32_t in_y0 = oy * p->stride_h - p->pad_h, fy0, fy1;
            hil_window_taps(in_y0, p->in_h, p->filter_h, p->dilation_h, &fy0, &fy1);
            for (int32_t ox = 0; ox < p->out_w; ox++) {
                int32_t in_x0 = ox * p->stride_w - p->pad_w, fx0, fx1;
                hil_window_taps(in_x0, p->in_w, p->filter_w, p->dilation_w, &fx0, &fx1);
                conv_f32_pixel(p, in_batch, filter, bias, in_y0, in_x0, fy0, fy1, fx0, fx1, out);
                out += p->out_c;
            }
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_conv_2d_f32 = {3, "CONV_2D", conv_f32_prepare, conv_f32_eval};
