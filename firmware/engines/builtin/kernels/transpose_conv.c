/* TRANSPOSE_CONV, int8 activations and weights (per-channel or per-tensor), int32 bias: the
 * arithmetic of TFLM's reference_integer_ops::TransposeConv. Products of (input + offset) and
 * weight are scattered into int32 sums per output element (scratch), then bias, TFLM's
 * requantization, output zero point and clamp. */
#include <string.h>

#include "transpose_conv.h"

static int tconv_prepare(hil_graph *g, hil_node *node) { return hil_tconv_prepare_type(g, node, HIL_INT8); }

static int tconv_eval(hil_graph *g, hil_node *node)
{
    const hil_tconv_params *p = node->params;
    const int8_t *input = (const int8_t *)hil_node_input(g, node, HIL_TCONV_INPUT)->data;
    const int8_t *filter = (const int8_t *)hil_node_input(g, node, HIL_TCONV_WEIGHTS)->data;
    const hil_tensor *bias_t = hil_node_input(g, node, HIL_TCONV_BIAS);
    const int32_t *bias = bias_t ? (const int32_t *)(const void *)bias_t->data : 0;
    hil_tensor *out_t = hil_node_output(g, node, 0);
    int8_t *out = (int8_t *)out_t->data;
    uint32_t *acc = hil_scratch(g, node); /* unsigned: int32 sums that wrap as TFLM's would */
    const uint32_t n = hil_num_elements(out_t);
    memset(acc, 0, 4u * n);
    HIL_TCONV_SCATTER(p, acc[out_i] += (uint32_t)(((int32_t)input[in_i] + p->input_offset) * filter[w_i]));
    const int per_channel = p->requant.channels > 1;
    for (uint32_t i = 0; i < n; i++) {
        int32_t c = (int32_t)(i % (uint32_t)p->out_c), q = per_channel ? c : 0;
        int32_t v = (int32_t)(acc[i] + (bias ? (uint32_t)bias[c] : 0u));
        v = hil_multiply_by_quantized_multiplier(v, p->requant.multiplier[q], p->requant.shift[q]);
        out[i] = (int8_t)hil_clamp(v + p->output_offset, p->act_min, p->act_max);
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_transpose_conv = {67, "TRANSPOSE_CONV", tconv_prepare, tconv_eval};
