/* TRANSPOSE_CONV, float32: TFLM's reference_ops::TransposeConv. The products are scattered into
 * the output itself in TFLM's order (transpose_conv.h), then bias and the fused activation. */
#include "transpose_conv.h"

static int tconv_f32_prepare(hil_graph *g, hil_node *node) { return hil_tconv_prepare_type(g, node, HIL_FLOAT32); }

static int tconv_f32_eval(hil_graph *g, hil_node *node)
{
    const hil_tconv_params *p = node->params;
    const float *input = (const float *)(const void *)hil_node_input(g, node, HIL_TCONV_INPUT)->data;
    const float *filter = (const float *)(const void *)hil_node_input(g, node, HIL_TCONV_WEIGHTS)->data;
    const hil_tensor *bias_t = hil_node_input(g, node, HIL_TCONV_BIAS);
    const float *bias = bias_t ? (const float *)(const void *)bias_t->data : 0;
    hil_tensor *out_t = hil_node_output(g, node, 0);
    float *out = (float *)(void *)out_t->data;
    const uint32_t n = hil_num_elements(out_t);
    for (uint32_t i = 0; i < n; i++)
        out[i] = 0.0f;
    HIL_TCONV_SCATTER(p, out[out_i] += input[in_i] * filter[w_i]);
    for (uint32_t i = 0; i < n; i++) {
        float acc = out[i];
        if (bias)
            acc += bias[i % (uint32_t)p->out_c];
        out[i] = hil_f32_clamp(acc, p->act_min_f32, p->act_max_f32);
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_transpose_conv_f32 = {67, "TRANSPOSE_CONV", tconv_f32_prepare, tconv_f32_eval};
