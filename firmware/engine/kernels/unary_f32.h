/* Prepare shared by the float32 element-wise kernels with one input (LOGISTIC, TANH, RELU,
 * RELU6): float32 in and out, the same number of elements. Header-only. */
#ifndef HIL_UNARY_F32_H
#define HIL_UNARY_F32_H
#include "common_f32.h"

static inline int hil_unary_f32_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 1 || hil_node_num_outputs(node) != 1 || !in || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs one input and one output");
    if (!hil_f32_all(in, out))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "float32 kernel: input and output must be float32");
    if (hil_num_elements(in) != hil_num_elements(out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output sizes differ");
    return HIL_OK;
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
