/* TRANSPOSE_CONV 16x8: int16 activations, int8 weights, int64 (or int16) bias: the arithmetic of
 * TFLM's reference_integer_ops::TransposeConv for int16. Products of raw values (no zero points)
 * are scattered into int64 sums per output element (scratch), then bias and TFLM's int64
 * requantization and clamp. */
#include <string.h>

#include "transpose_conv.h"

static int tconv16_prepare(hil_graph *g, hil_node *node) { return hil_tconv_prepare_type(g, node, HIL_INT16); }

static int tconv16_eval(hil_graph *g, hil_node *node)
{
    hil_tconv_params *p = node->params;
    const int16_t *input = (const int16_t *)(const void *)hil_node_input(g, node, HIL_TCONV_INPUT)->data;
    const int8_t *filter = (const int8_t *)hil_node_input(g, node, HIL_TCONV_WEIGHTS)->data;
    const hil_tensor *bias_t = hil_node_input(g, node, HIL_TCONV_BIAS);
    hil_tensor *out_t = hil_node_output(g, node, 0);
    int16_t *out = (int16_t *)(void *)out_t->data;
    int64_t *acc = hil_scratch(g, node);
    const uint32_t n = hil_num_elements(out_t);
    memset(acc, 0, 8u * n);
    HIL_TCONV_SCATTER(p, acc[out_i] += (int32_t)input[in_i] * filter[w_i]);
    p->stage.bias = p->stage.bias64 && bias_t ? bias_t->data : 0;
    const int16_t *bias16 = bias_t && !p->stage.bias64 ? (const int16_t *)(const void *)bias_t->data : 0;
    for (uint32_t i = 0; i < n; i++) {
        int32_t c = (int32_t)(i % (uint32_t)p->out_c);
        int64_t sum = acc[i] + (bias16 ? bias16[c] : hil_stage16_bias(&p->stage, c));
        out[i] = hil_stage16_out(&p->stage, sum, c);
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_transpose_conv_i16 = {67, "TRANSPOSE_CONV", tconv16_prepare, tconv16_eval};
