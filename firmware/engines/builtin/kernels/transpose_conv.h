/* TRANSPOSE_CONV, int8, 16x8 and float32, share their prepare (tensor checks, options, the
 * padding TFLM computes from the output size) and their scatter loop; each kernel file keeps
 * its accumulator type and output stage. Inputs: 0 output shape (int32, unused: the output
 * tensor's shape is static), 1 weights [out_c, kh, kw, in_c], 2 input (NHWC), 3 bias (optional).
 * Header-only (static inline): a kernel compiles only its own type's branches. */
#ifndef HIL_TRANSPOSE_CONV_H
#define HIL_TRANSPOSE_CONV_H
#include <stdint.h>

#include "common_f32.h"
#include "conv_geometry.h"
#include "graph.h"
#include "hil_protocol.h"
#include "padding.h"
#include "quant.h"
#include "s16x8.h"

enum { HIL_TCONV_WEIGHTS = 1, HIL_TCONV_INPUT = 2, HIL_TCONV_BIAS = 3 };

typedef struct {
    int32_t batches, in_h, in_w, in_c, out_h, out_w, out_c, filter_h, filter_w;
    int32_t stride_h, stride_w, pad_h, pad_w;
    int32_t input_offset, output_offset; /* int8 */
    union {
        hil_stage16 stage; /* int16: requantization, bias type, activation range */
        struct {
            hil_requant requant; /* int8 */
            int32_t act_min, act_max;
        };
        struct {
            float act_min_f32, act_max_f32; /* float32 */
        };
    };
} hil_tconv_params;

static inline int hil_tconv_types(hil_graph *g, hil_node *node, int type, const hil_conv_tensors *t)
{
    if (type == HIL_FLOAT32)
        return hil_conv_types_f32(g, node, HIL_CONV, t);
    if (type == HIL_INT8)
        return hil_conv_types_s8(g, node, HIL_CONV, t);
    if (t->input->type != HIL_INT16 || t->filter->type != HIL_INT8 || t->output->type != HIL_INT16)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int16 kernel: input and output must be int16, weights int8");
    /* TFLM reads a 16x8 bias as int64, or widens an int16 one; an int32 one it would misread. */
    if (t->bias && t->bias->type != HIL_INT64 && t->bias->type != HIL_INT16)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "bias must be int64 or int16");
    return HIL_OK;
}

static inline int hil_tconv_check(hil_graph *g, hil_node *node, int type, hil_conv_tensors *t)
{
    t->filter = hil_node_input(g, node, HIL_TCONV_WEIGHTS);
    t->input = hil_node_input(g, node, HIL_TCONV_INPUT);
    t->bias = hil_node_input(g, node, HIL_TCONV_BIAS);
    t->output = hil_node_output(g, node, 0);
    if (!t->input || !t->filter || !t->output || hil_node_num_outputs(node) != 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an output shape, weights, an input and one output");
    int status = hil_tconv_types(g, node, type, t);
    if (status != HIL_OK)
        return status;
    if (t->input->ndim != 4 || t->filter->ndim != 4 || t->output->ndim != 4)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input, weights and output must be 4-D (NHWC)");
    if (!t->filter->is_const)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "weights must be constant");
    if (t->input->dims[0] != t->output->dims[0] || t->input->dims[3] != t->filter->dims[3] ||
        t->output->dims[3] != t->filter->dims[0] || (t->bias && hil_num_elements(t->bias) != (uint32_t)t->filter->dims[0]))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "tensor shapes do not agree");
    return type == HIL_FLOAT32 ? HIL_OK : hil_conv_check_weights(g, node, HIL_CONV, t->filter);
}

/* TransposeConvOptions: padding, stride_w, stride_h, fused activation, quantized_bias_type. The
 * padding is the one a convolution from the output back to the input would use (TFLM's
 * ComputePaddingHeightWidth over the output size, dilation 1). */
static inline int hil_tconv_prepare_type(hil_graph *g, hil_node *node, int type)
{
    enum { PADDING = 0, STRIDE_W = 1, STRIDE_H = 2, ACTIVATION = 3 };
    hil_conv_tensors t;
    int status = hil_tconv_check(g, node, type, &t);
    if (status != HIL_OK)
        return status;
    const hil_fb_table *o = &node->options;
    int activation = hil_fb_i8(&g->fb, o, ACTIVATION, HIL_ACT_NONE);
    if (activation != HIL_ACT_NONE && activation != HIL_ACT_RELU && activation != HIL_ACT_RELU6 &&
        activation != HIL_ACT_RELU_N1_TO_1)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "fused activation must be NONE, RELU, RELU6 or RELU_N1_TO_1");
    hil_tconv_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->batches = t.input->dims[0];
    p->in_h = t.input->dims[1], p->in_w = t.input->dims[2], p->in_c = t.input->dims[3];
    p->out_h = t.output->dims[1], p->out_w = t.output->dims[2], p->out_c = t.output->dims[3];
    p->filter_h = t.filter->dims[1], p->filter_w = t.filter->dims[2];
    p->stride_w = hil_fb_i32(&g->fb, o, STRIDE_W, 0);
    p->stride_h = hil_fb_i32(&g->fb, o, STRIDE_H, 0);
    hil_window_dim wh, ww;
    if (hil_window_axis(hil_fb_i8(&g->fb, o, PADDING, HIL_PADDING_SAME), p->out_h, p->filter_h, p->stride_h, 1, &wh) ||
        hil_window_axis(hil_fb_i8(&g->fb, o, PADDING, HIL_PADDING_SAME), p->out_w, p->filter_w, p->stride_w, 1, &ww))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "invalid padding, stride or filter size");
    p->pad_h = wh.pad, p->pad_w = ww.pad;
    node->params = p;
    uint32_t out_elems = hil_num_elements(t.output);
    if (type == HIL_FLOAT32) {
        hil_f32_activation_range(activation, &p->act_min_f32, &p->act_max_f32);
        return HIL_OK;
    }
    if (type == HIL_INT8) {
        p->input_offset = -t.input->zero_point;
        p->output_offset = t.output->zero_point;
        hil_activation_range(t.output, activation, &p->act_min, &p->act_max);
        status = hil_requant_prepare(g, node, t.input, t.filter, t.output, (uint32_t)p->out_c, &p->requant);
    } else {
        status = hil_stage16_prepare(g, node, t.input, t.filter, 0, t.output, (uint32_t)p->out_c, activation,
                                     HIL_INT64, 0, &p->stage);
        p->stage.bias64 = t.bias && t.bias->type == HIL_INT64; /* else an int16 bias, read by the kernel */
    }
    /* the accumulators of every output element: int32 (int8) or int64 (16x8), as TFLM's scratch */
    if (status == HIL_OK && (uint64_t)out_elems * (type == HIL_INT8 ? 4u : 8u) > UINT32_MAX)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "output too large");
    return status == HIL_OK ? hil_request_scratch(g, node, out_elems * (type == HIL_INT8 ? 4u : 8u)) : status;
}

/* TFLM's scatter order: every input value (batch, row, column, channel) adds its products with
 * each tap (filter row, column) and output channel into the output element the tap lands on.
 * The order matters for float sums only. `body` sees in_i, w_i and out_i (element indices). */
#define HIL_TCONV_SCATTER(p, body)                                                                  \
    do {                                                                                           \
        for (int32_t b_ = 0; b_ < (p)->batches; b_++)                                              \
            for (int32_t iy_ = 0; iy_ < (p)->in_h; iy_++)                                          \
                for (int32_t ix_ = 0; ix_ < (p)->in_w; ix_++) {                                    \
                    int32_t oy0_ = iy_ * (p)->stride_h - (p)->pad_h, ox0_ = ix_ * (p)->stride_w - (p)->pad_w; \
                    int32_t fy0_, fy1_, fx0_, fx1_;                                                \
                    hil_window_taps(oy0_, (p)->out_h, (p)->filter_h, 1, &fy0_, &fy1_);             \
                    hil_window_taps(ox0_, (p)->out_w, (p)->filter_w, 1, &fx0_, &fx1_);             \
                    for (int32_t ic_ = 0; ic_ < (p)->in_c; ic_++) {                                \
                        const int32_t in_i = ((b_ * (p)->in_h + iy_) * (p)->in_w + ix_) * (p)->in_c + ic_; \
                        for (int32_t fy_ = fy0_; fy_ < fy1_; fy_++)                                \
                            for (int32_t fx_ = fx0_; fx_ < fx1_; fx_++)                            \
                                for (int32_t oc_ = 0; oc_ < (p)->out_c; oc_++) {                   \
                                    const int32_t w_i = ((oc_ * (p)->filter_h + fy_) * (p)->filter_w + fx_) * (p)->in_c + ic_; \
                                    const int32_t out_i =                                          \
                                        ((b_ * (p)->out_h + oy0_ + fy_) * (p)->out_w + ox0_ + fx_) * (p)->out_c + oc_; \
                                    body;                                                          \
                                }                                                                  \
                    }                                                                              \
                }                                                                                  \
    } while (0)

#endif
