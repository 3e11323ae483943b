/* Shared by the float32 kernels (*_f32.c): fused activation ranges, a broadcasting row walker
 * for binary element-wise ops, and the pooling prepare. Header-only (static inline). The
 * float kernels follow TFLM's float reference kernels (tensorflow/lite/kernels/internal/
 * reference/): same loop order and single-precision arithmetic, so the remaining
 * differences are the compiler's fused multiply-adds and the C library's expf / tanhf. */
#ifndef HIL_COMMON_F32_H
#define HIL_COMMON_F32_H
#include <float.h>
#include <stdint.h>

#include "broadcast.h"
#include "graph.h"
#include "hil_protocol.h"
#include "padding.h"

/* Float16 bits to float32 (exact; dequantize_f16.c). */
float hil_f16_to_f32(uint16_t half);

/* TFLM's CalculateActivationRange for float outputs; returns 0 for an unknown activation. */
static inline int hil_f32_activation_range(int activation, float *lo, float *hi)
{
    *lo = -FLT_MAX;
    *hi = FLT_MAX;
    switch (activation) {
    case HIL_ACT_NONE: return 1;
    case HIL_ACT_RELU: *lo = 0.0f; return 1;
    case HIL_ACT_RELU_N1_TO_1: *lo = -1.0f, *hi = 1.0f; return 1;
    case HIL_ACT_RELU6: *lo = 0.0f, *hi = 6.0f; return 1;
    default: return 0;
    }
}

/* std::min(std::max(v, lo), hi), as TFLM's ActivationFunctionWithMinMax. */
static inline float hil_f32_clamp(float v, float lo, float hi)
{
    float m = v < lo ? lo : v;
    return hi < m ? hi : m;
}

static inline int hil_f32_all(const hil_tensor *a, const hil_tensor *b)
{
    return a && b && a->type == HIL_FLOAT32 && b->type == HIL_FLOAT32;
}

/* One output row of n elements: out[i] = f(in1[i * step1], in2[i * step2]), steps 0 or 1. */
typedef void (*hil_f32_row_fn)(const void *params, const float *in1, int32_t step1, const float *in2,
                               int32_t step2, float *out, int32_t n);

/* hil_broadcast_run_int8's walk over the output (row-major), for float tensors. */
static inline void hil_f32_broadcast_run(const hil_broadcast *bc, const float *in1, const float *in2, float *out,
                                         hil_f32_row_fn row, const void *params)
{
    const int last = bc->ndim - 1;
    const int32_t n = bc->dims[last];
    int32_t index[HIL_MAX_DIMS] = {0};
    uint32_t outer = 1;
    for (int d = 0; d < last; d++)
        outer *= (uint32_t)bc->dims[d];
    int32_t off1 = 0, off2 = 0;
    for (uint32_t r = 0; r < outer; r++) {
        row(params, in1 + off1, bc->stride1[last], in2 + off2, bc->stride2[last], out, n);
        out += n;
        for (int d = last - 1; d >= 0; d--) {
            off1 += bc->stride1[d];
            off2 += bc->stride2[d];
            if (++index[d] < bc->dims[d])
                break;
            off1 -= bc->stride1[d] * bc->dims[d];
            off2 -= bc->stride2[d] * bc->dims[d];
            index[d] = 0;
        }
    }
}

/* AVERAGE_POOL_2D / MAX_POOL_2D, float32: Pool2DOptions as hil_pool_prepare reads them. */
typedef struct {
    int32_t batches, in_h, in_w, channels, out_h, out_w;
    int32_t filter_h, filter_w, stride_h, stride_w, pad_h, pad_w;
    float act_min, act_max;
} hil_pool_f32_params;

static inline int hil_pool_f32_prepare(hil_graph *g, hil_node *node)
{
    enum { PADDING = 0, STRIDE_W = 1, STRIDE_H = 2, FILTER_W = 3, FILTER_H = 4, ACTIVATION = 5 };
    hil_tensor *input = hil_node_input(g, node, 0);
    hil_tensor *output = hil_node_output(g, node, 0);
    if (!input || !output || hil_node_num_outputs(node) != 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs one input and one output");
    if (!hil_f32_all(input, output))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "float32 kernel: input and output must be float32");
    if (input->ndim != 4 || output->ndim != 4)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input and output must be 4-D (NHWC)");
    hil_pool_f32_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    const hil_fb_table *o = &node->options;
    if (!hil_f32_activation_range(hil_fb_i8(&g->fb, o, ACTIVATION, HIL_ACT_NONE), &p->act_min, &p->act_max))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "fused activation must be NONE, RELU, RELU6 or RELU_N1_TO_1");
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
    node->params = p;
    return HIL_OK;
}

#endif
