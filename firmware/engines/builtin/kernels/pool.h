/* AVERAGE_POOL_2D and MAX_POOL_2D, int8, int16 and float32, share their prepare: Pool2DOptions,
 * tensor checks, output size and padding, the fused activation's range in the element type;
 * the integer kernels also share their loops (HIL_DEFINE_AVG_POOL_EVAL, HIL_DEFINE_MAX_POOL_EVAL,
 * per element type). Header-only (static inline): a kernel compiles only
 * its own type's branches. */
#ifndef HIL_POOL_H
#define HIL_POOL_H
#include <stdint.h>

#include "common_f32.h"
#include "graph.h"
#include "hil_protocol.h"
#include "padding.h"
#include "quant.h"

typedef struct {
    int32_t batches, in_h, in_w, channels, out_h, out_w;
    int32_t filter_h, filter_w, stride_h, stride_w, pad_h, pad_w;
    union {
        struct {
            int32_t act_min, act_max; /* integer kernels */
        };
        struct {
            float act_min_f32, act_max_f32; /* float32 kernels */
        };
    };
} hil_pool_params;

static inline int hil_pool_check(hil_graph *g, hil_node *node, int type, const hil_tensor *input, const hil_tensor *output)
{
    if (!input || !output || hil_node_num_outputs(node) != 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs one input and one output");
    if (type == HIL_FLOAT32 && !hil_f32_all(input, output))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "float32 kernel: input and output must be float32");
    if (type == HIL_INT8 && (input->type != HIL_INT8 || output->type != HIL_INT8))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "only int8 input and output are supported");
    if (type == HIL_INT16 && (input->type != HIL_INT16 || output->type != HIL_INT16))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int16 kernel: input and output must be int16");
    if (input->ndim != 4 || output->ndim != 4)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input and output must be 4-D (NHWC)");
    if (type != HIL_FLOAT32) {
        /* TFLM's pooling prepare demands the same quantization on both sides (scales within 1e-6). */
        double scale_diff = (double)input->scale - (double)output->scale;
        if (scale_diff > 1e-6 || scale_diff < -1e-6 || input->zero_point != output->zero_point)
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input and output quantization must be equal");
    }
    return HIL_OK;
}

/* Pool2DOptions fields: padding, stride_w, stride_h, filter_width, filter_height, activation. */
static inline int hil_pool_prepare_type(hil_graph *g, hil_node *node, int type)
{
    enum { PADDING = 0, STRIDE_W = 1, STRIDE_H = 2, FILTER_W = 3, FILTER_H = 4, ACTIVATION = 5 };
    hil_tensor *input = hil_node_input(g, node, 0);
    hil_tensor *output = hil_node_output(g, node, 0);
    int status = hil_pool_check(g, node, type, input, output);
    if (status != HIL_OK)
        return status;
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
    if (type == HIL_FLOAT32)
        hil_f32_activation_range(activation, &p->act_min_f32, &p->act_max_f32); /* one of the four known */
    else
        hil_activation_range(output, activation, &p->act_min, &p->act_max);
    node->params = p;
    return HIL_OK;
}

static inline int hil_pool_prepare(hil_graph *g, hil_node *node) { return hil_pool_prepare_type(g, node, HIL_INT8); }

static inline int hil_pool_f32_prepare(hil_graph *g, hil_node *node)
{
    return hil_pool_prepare_type(g, node, HIL_FLOAT32);
}

static inline int hil_pool_i16_prepare(hil_graph *g, hil_node *node) { return hil_pool_prepare_type(g, node, HIL_INT16); }

/* The integer kernels' eval, one definition for int8 and int16 (T): a firmware compiles the one
 * its model uses, and the int8 one is the code the int8 kernels always had.
 *
 * AVERAGE_POOL_2D: TFLM's reference_integer_ops::AveragePool: the window clipped to the image,
 * the int32 sum of the raw values divided by the number of taps inside, rounding half away
 * from zero with C's truncating division: sum > 0 ? (sum + n/2) / n : (sum - n/2) / n. */
#define HIL_DEFINE_AVG_POOL_EVAL(name, T)                                                                            \
static int name(hil_graph *g, hil_node *node)                                                                        \
{                                                                                                                    \
    const hil_pool_params *p = node->params;                                                                         \
    const T *input = (const T *)(const void *)hil_node_input(g, node, 0)->data;                                      \
    T *out = (T *)(void *)hil_node_output(g, node, 0)->data;                                                         \
    const int32_t row = p->in_w * p->channels;                                                                       \
                                                                                                                     \
    for (int32_t b = 0; b < p->batches; b++) {                                                                       \
        const T *in_batch = input + b * p->in_h * row;                                                               \
        for (int32_t oy = 0; oy < p->out_h; oy++) {                                                                  \
            int32_t in_y0 = oy * p->stride_h - p->pad_h, fy0, fy1;                                                   \
            hil_window_taps(in_y0, p->in_h, p->filter_h, 1, &fy0, &fy1);                                             \
            for (int32_t ox = 0; ox < p->out_w; ox++) {                                                              \
                int32_t in_x0 = ox * p->stride_w - p->pad_w, fx0, fx1;                                               \
                hil_window_taps(in_x0, p->in_w, p->filter_w, 1, &fx0, &fx1);                                         \
                int32_t count = (fy1 - fy0) * (fx1 - fx0);                                                           \
                if (count == 0) /* TFLM fails the invoke too; SAME/VALID windows never do this */                    \
                    return hil_reject(g, node, HIL_ERR_INVOKE_FAILED, "pooling window outside the image");           \
                const int32_t origin = in_y0 * row + in_x0 * p->channels; /* may be negative: index only */          \
                for (int32_t c = 0; c < p->channels; c++) {                                                          \
                    int32_t sum = 0;                                                                                 \
                    for (int32_t fy = fy0; fy < fy1; fy++)                                                           \
                        for (int32_t fx = fx0; fx < fx1; fx++)                                                       \
                            sum += in_batch[origin + fy * row + fx * p->channels + c];                               \
                    sum = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;                           \
                    out[c] = (T)hil_clamp(sum, p->act_min, p->act_max);                                              \
                }                                                                                                    \
                out += p->channels;                                                                                  \
            }                                                                                                        \
        }                                                                                                            \
    }                                                                                                                \
    return HIL_OK;                                                                                                   \
}

/* MAX_POOL_2D: TFLM's reference_integer_ops::MaxPool: the window clipped to the image (padding
 * never wins), the maximum from the type's `lowest` value, clamped to the fused activation. */
#define HIL_DEFINE_MAX_POOL_EVAL(name, T, lowest)                                                                    \
static int name(hil_graph *g, hil_node *node)                                                                        \
{                                                                                                                    \
    const hil_pool_params *p = node->params;                                                                         \
    const T *input = (const T *)(const void *)hil_node_input(g, node, 0)->data;                                      \
    T *out = (T *)(void *)hil_node_output(g, node, 0)->data;                                                         \
    const int32_t row = p->in_w * p->channels;                                                                       \
                                                                                                                     \
    for (int32_t b = 0; b < p->batches; b++) {                                                                       \
        const T *in_batch = input + b * p->in_h * row;                                                               \
        for (int32_t oy = 0; oy < p->out_h; oy++) {                                                                  \
            int32_t in_y0 = oy * p->stride_h - p->pad_h, fy0, fy1;                                                   \
            hil_window_taps(in_y0, p->in_h, p->filter_h, 1, &fy0, &fy1);                                             \
            for (int32_t ox = 0; ox < p->out_w; ox++) {                                                              \
                int32_t in_x0 = ox * p->stride_w - p->pad_w, fx0, fx1;                                               \
                hil_window_taps(in_x0, p->in_w, p->filter_w, 1, &fx0, &fx1);                                         \
                const int32_t origin = in_y0 * row + in_x0 * p->channels; /* may be negative: index only */          \
                for (int32_t c = 0; c < p->channels; c++) {                                                          \
                    int32_t max = lowest;                                                                            \
                    for (int32_t fy = fy0; fy < fy1; fy++)                                                           \
                        for (int32_t fx = fx0; fx < fx1; fx++) {                                                     \
                            int32_t v = in_batch[origin + fy * row + fx * p->channels + c];                          \
                            if (v > max)                                                                             \
                                max = v;                                                                             \
                        }                                                                                            \
                    out[c] = (T)hil_clamp(max, p->act_min, p->act_max);                                              \
                }                                                                                                    \
                out += p->channels;                                                                                  \
            }                                                                                                        \
        }                                                                                                            \
    }                                                                                                                \
    return HIL_OK;                                                                                                   \
}

#endif
