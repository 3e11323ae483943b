/* LEAKY_RELU of quantized int8 and int16 tensors: TFLM's reference_ops::QuantizeLeakyRelu.
 * Non-negative inputs are rescaled by input_scale / output_scale, negative ones by
 * input_scale * alpha / output_scale (TFLM computes both ratios in float); a negative alpha
 * rescales by |multiplier| and negates. The result saturates to the element type. Header-only. */
#ifndef HIL_LEAKY_RELU_H
#define HIL_LEAKY_RELU_H
#include "fixedpoint.h"
#include "quant.h"
#include "unary.h"

enum { HIL_LEAKY_RELU_OPT_ALPHA = 0 };

typedef struct {
    int32_t input_offset, output_offset;
    int32_t multiplier_alpha, multiplier_identity; /* multiplier_alpha >= 0 */
    int shift_alpha, shift_identity;
    int negate_alpha;
    uint32_t size;
} hil_leaky_relu_params;

static inline int hil_leaky_relu_prepare(hil_graph *g, hil_node *node, int type)
{
    int status = hil_unary_check(g, node, type);
    if (status != HIL_OK)
        return status;
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    hil_leaky_relu_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    float alpha = hil_fb_f32(&g->fb, &node->options, HIL_LEAKY_RELU_OPT_ALPHA, 0.0f);
    p->input_offset = in->zero_point;
    p->output_offset = out->zero_point;
    hil_quantize_multiplier((double)in->scale * (double)alpha / (double)out->scale, &p->multiplier_alpha,
                            &p->shift_alpha);
    hil_quantize_multiplier((double)in->scale / (double)out->scale, &p->multiplier_identity, &p->shift_identity);
    p->negate_alpha = p->multiplier_alpha < 0;
    if (p->negate_alpha) /* -2^31 (alpha within 2^-31 of a negative power of two) has no int32 negation */
        p->multiplier_alpha = p->multiplier_alpha == INT32_MIN ? INT32_MAX : -p->multiplier_alpha;
    p->size = hil_num_elements(in);
    node->params = p;
    return HIL_OK;
}

static inline int32_t hil_leaky_relu_element(const hil_leaky_relu_params *p, int32_t x, int32_t lo, int32_t hi)
{
    int32_t v = x - p->input_offset;
    int32_t scaled;
    if (v >= 0) {
        scaled = hil_multiply_by_quantized_multiplier(v, p->multiplier_identity, p->shift_identity);
    } else {
        scaled = hil_multiply_by_quantized_multiplier(v, p->multiplier_alpha, p->shift_alpha);
        scaled = p->negate_alpha ? hil_fp_neg(scaled) : scaled;
    }
    return hil_clamp(p->output_offset + scaled, lo, hi);
}

#endif
