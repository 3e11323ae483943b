/* Prepare shared by the float32 element-wise kernels with one input (LOGISTIC, TANH, RELU,
 * RELU6): float32 in and out, the same number of elements. Header-only. */
#ifndef HIL_UNARY_F32_H
#define HIL_UNARY_F32_H
#include <math.h>

#include "common_f32.h"
#include "unary.h"

static inline int hil_unary_f32_prepare(hil_graph *g, hil_node *node) { return hil_unary_check(g, node, HIL_FLOAT32); }

/* TFLM's reference_ops::Logistic: 1 above 16.619047, exp(x) below -9, 1 / (1 + exp(-x)) between
 * (also the LSTM's gates). */
static inline float hil_logistic_f32(float x)
{
    if (x > 16.619047164916992188f)
        return 1.0f;
    if (x < -9.0f)
        return expf(x);
    return 1.0f / (1.0f + expf(-x));
}

#define HIL_UNARY_F32_EVAL(fn_name, expr)                                                   \
    static int fn_name(hil_graph *g, hil_node *node)                                         \
    {                                                                                        \
        const hil_tensor *in_t = hil_node_input(g, node, 0);                                 \
        const float *in = (const float *)(const void *)in_t->data;                           \
        float *out = (float *)(void *)hil_node_output(g, node, 0)->data;                     \
        uint32_t n = hil_num_elements(in_t);                                                 \
        for (uint32_t i = 0; i < n; i++) {                                                   \
            float x = in[i];                                                                 \
            out[i] = (expr);                                                                 \
        }                                                                                    \
        return HIL_OK;                                                                       \
    }

#endif
