/* PRELU of quantized int8 and int16 tensors (int8 alpha), alpha broadcast against the input:
 * TFLM's reference_ops::BroadcastPrelu4DSlow. A non-negative offset input is rescaled by
 * input_scale / output_scale, a negative one is multiplied by the offset alpha and rescaled by
 * input_scale * alpha_scale / output_scale (both ratios in double); the result saturates to the
 * element type. Header-only. */
#ifndef HIL_PRELU_H
#define HIL_PRELU_H
#include "binary.h"
#include "quant.h"

typedef struct {
    hil_broadcast bc; /* first: hil_binary_prepare_types fills it */
    int32_t input_offset, alpha_offset, output_offset;
    int32_t multiplier_identity, multiplier_alpha;
    int shift_identity, shift_alpha;
} hil_prelu_params;

static inline int hil_prelu_prepare(hil_graph *g, hil_node *node, int type, const char *type_message)
{
    int status;
    hil_prelu_params *p = hil_binary_prepare_types(g, node, type, HIL_INT8, type, sizeof *p, type_message, &status);
    if (!p)
        return status;
    const hil_tensor *in = hil_node_input(g, node, 0), *alpha = hil_node_input(g, node, 1);
    const hil_tensor *out = hil_node_output(g, node, 0);
    hil_quantize_multiplier((double)in->scale / (double)out->scale, &p->multiplier_identity, &p->shift_identity);
    hil_quantize_multiplier((double)in->scale * (double)alpha->scale / (double)out->scale, &p->multiplier_alpha,
                            &p->shift_alpha);
    p->input_offset = -in->zero_point;
    p->alpha_offset = -alpha->zero_point;
    p->output_offset = out->zero_point;
    node->params = p;
    return HIL_OK;
}

static inline int32_t hil_prelu_element(const hil_prelu_params *p, int32_t x, int32_t alpha, int32_t lo, int32_t hi)
{
    int32_t v = p->input_offset + x;
    int32_t scaled = v >= 0 ? hil_multiply_by_quantized_multiplier(v, p->multiplier_identity, p->shift_identity)
                            : hil_multiply_by_quantized_multiplier(v * (p->alpha_offset + alpha), p->multiplier_alpha,
                                                                   p->shift_alpha);
    return hil_clamp(scaled + p->output_offset, lo, hi);
}

#endif
