/* CONV_2D, float32, NHWC input and output, weights [out_c, kh, kw, in_c / groups], optional
 * float32 bias: TFLM's reference_ops::Conv. Per output pixel and channel the taps inside the
 * image are accumulated (rows, columns, input channels in that order), then the bias is added
 * and the fused activation clamps the sum. Padding SAME/VALID, strides, dilation, groups. */
#include "common_f32.h"

enum { OPT_PADDING = 0, OPT_STRIDE_W = 1, OPT_STRIDE_H = 2, OPT_ACTIVATION = 3, OPT_DILATION_W = 4,
       OPT_DILATION_H = 5 };

typedef struct {
    float act_min, act_max;
    int32_t batches, in_h, in_w, in_c;
    int32_t out_h, out_w, out_c;
    int32_t filter_h, filter_w, filter_c, filters_per_group;
    int32_t stride_h, stride_w, dilation_h, dilation_w, pad_h, pad_w;
} conv_f32_params;

static int conv_f32_check(hil_graph *g, hil_node *node, const hil_tensor *input, const hil_tensor *filter,
                          const hil_tensor *bias, const hil_tensor *output)
{
    if (!input || !filter || !output || hil_node_num_outputs(node) != 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, a filter and one output");
    if (!hil_f32_all(input, output) || filter->type != HIL_FLOAT32 || (bias && bias->type != HIL_FLOAT32))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "float32 kernel: input, weights, bias and output must be float32");
    if (input->ndim != 4 || filter->ndim != 4 || output->ndim != 4)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input, weights and output must be 4-D (NHWC)");
    if (!filter->is_const)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "weights must be constant");
    return HIL_OK;
}

static int conv_f32_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *input = hil_node_input(g, node, 0);
    hil_tensor *filter = hil_node_input(g, node, 1);
    hil_tensor *bias = hil_node_input(g, node, 2);
    hil_tensor *output = hil_node_output(g, node, 0);
    int status = conv_f32_check(g, node, input, filter, bias, output);
    if (status != HIL_OK)
        return status;
    conv_f32_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    const hil_fb_table *o = &node->options;
    int padding = hil_fb_i8(&g->fb, o, OPT_PADDING, HIL_PADDING_SAME);
    p->stride_w = hil_fb_i32(&g->fb, o, OPT_STRIDE_W, 0);
    p->stride_h = hil_fb_i32(&g->fb, o, OPT_STRIDE_H, 0);
    p->dilation_w = hil_fb_i32(&g->fb, o, OPT_DILATION_W, 1);
    p->dilation_h = hil_fb_i32(&g->fb, o, OPT_DILATION_H, 1);
    if (!hil_f32_activation_range(hil_fb_i8(&g->fb, o, OPT_ACTIVATION, HIL_ACT_NONE), &p->act_min, &p->act_max))
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
