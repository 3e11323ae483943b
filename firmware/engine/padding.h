/* Output size and implicit padding of 2-D window operators (CONV_2D, DEPTHWISE_CONV_2D,
 * AVERAGE_POOL_2D, MAX_POOL_2D), computed as TFLite does (GetWindowedOutputSize in TensorFlow,
 * ComputePaddingHeightWidth in TFLM): the extra odd pixel of SAME padding goes after the image,
 * so only the leading padding is needed by the kernels. Also the prepare step the two pooling
 * kernels share. Header-only (static inline), so the build's source lists need no entry. */
#ifndef HIL_PADDING_H
#define HIL_PADDING_H
#include <stdint.h>

/* TFLite Padding enum values. */
enum { HIL_PADDING_SAME = 0, HIL_PADDING_VALID = 1 };

typedef struct {
    int32_t out; /* output size along this axis */
    int32_t pad; /* padding before the first input element */
} hil_window_dim;

/* One spatial axis; returns 0 on success, -1 when the parameters describe no output. */
static inline int hil_window_axis(int padding, int32_t in, int32_t filter, int32_t stride, int32_t dilation,
                                  hil_window_dim *out)
{
    if (in <= 0 || filter <= 0 || stride <= 0 || dilation <= 0)
        return -1;
    int64_t effective = (int64_t)(filter - 1) * dilation + 1;
    int64_t size;
    if (padding == HIL_PADDING_SAME)
        size = ((int64_t)in + stride - 1) / stride;
    else if (padding == HIL_PADDING_VALID)
        size = ((int64_t)in + stride - effective) / stride; /* C division truncates, as in TFLite */
    else
        return -1;
    if (size <= 0)
        return -1;
    int64_t total = (size - 1) * stride + effective - in;
    out->out = (int32_t)size;
    out->pad = total > 0 ? (int32_t)(total / 2) : 0;
    return 0;
}

/* The range [*lo, *hi) of filter taps k with 0 <= origin + k * dilation < in. Hoisting it out of
 * the inner loops replaces TFLM's per-tap "inside the image" test with the same set of taps. */
static inline void hil_window_taps(int32_t origin, int32_t in, int32_t filter, int32_t dilation, int32_t *lo,
                                   int32_t *hi)
{
    int32_t first = origin < 0 ? (-origin + dilation - 1) / dilation : 0;
    int32_t last = in - origin <= 0 ? 0 : (in - origin + dilation - 1) / dilation; /* first tap past the end */
    *lo = first < filter ? first : filter;
    *hi = last < filter ? last : filter;
    if (*hi < *lo)
        *hi = *lo;
}

/* ---- AVERAGE_POOL_2D / MAX_POOL_2D share their options, checks and parameters ---- */

#include "graph.h"
#include "hil_protocol.h"
#include "quant.h"

typedef struct {
    int32_t batches, in_h, in_w, channels, out_h, out_w;
    int32_t filter_h, filter_w, stride_h, stride_w, pad_h, pad_w;
    int32_t act_min, act_max;
} hil_pool_params;

/* Pool2DOptions fields: padding, stride_w, stride_h, filter_width, filter_height, activation. */
static inline int hil_pool_prepare(hil_graph *g, hil_node *node)
{
    enum { PADDING = 0, STRIDE_W = 1, STRIDE_H = 2, FILTER_W = 3, FILTER_H = 4, ACTIVATION = 5 };
    hil_tensor *input = hil_node_input(g, node, 0);
    hil_tensor *output = hil_node_output(g, node, 0);
    if (!input || !output || hil_node_num_outputs(node) != 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs one input and one output");
    if (input->type != HIL_INT8 || output->type != HIL_INT8)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "only int8 input and output are supported");
    if (input->ndim != 4 || output->ndim != 4)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input and output must be 4-D (NHWC)");
    /* TFLM's pooling prepare demands the same quantization on both sides (scales within 1e-6). */
    double scale_diff = (double)input->scale - (double)output->scale;
    if (scale_diff > 1e-6 || scale_diff < -1e-6 || input->zero_point != output->zero_point)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input and output quantization must be equal");
    const hil_fb_table *o = &node->options;
    int activation = hil_fb_i8(&g->fb, o, ACTIVATION, HIL_ACT_NONE);
    if (activation != HIL_ACT_NONE && activation != HIL_ACT_RELU && activation != HIL_ACT_RELU6 &&
        activation != HIL_ACT_RELU_N1_TO_1)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "fused activation must be NONE, RELU, RELU6 or RELU_N1_TO_1");

    hil_pool_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->batches = input->dims[0];
    p->in_h = input->dims[1];
    p->in_w = input->dims[2];
    p->channels = input->dims[3];
    p->filter_w = hil_fb_i32(&g->fb, o, FILTER_W, 0);
    p->filter_h = hil_fb_i32(&g->fb, o, FILTER_H, 0);
    p->stride_w = hil_fb_i32(&g->fb, o, STRIDE_W, 0);
    p->stride_h = hil_fb_i32(&g->fb, o, STRIDE_H, 0);
    int padding = hil_fb_i8(&g->fb, o, PADDING, HIL_PADDING_SAME);
    hil_window_dim wh, ww;
    if (hil_window_axis(padding, p->in_h, p->filter_h, p->stride_h, 1, &wh) ||
        hil_window_axis(padding, p->in_w, p->filter_w, p->stride_w, 1, &ww))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "invalid padding, stride or filter size");
    p->out_h = wh.out;
    p->out_w = ww.out;
    p->pad_h = wh.pad;
    p->pad_w = ww.pad;
    if (output->dims[0] != p->batches || output->dims[1] != p->out_h || output->dims[2] != p->out_w ||
        output->dims[3] != p->channels)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "tensor shapes do not agree with the options");
    hil_activation_range(output, activation, &p->act_min, &p->act_max);
    node->params = p;
    return HIL_OK;
}

#endif
