/* MUL of quantized int8 and int16 tensors, with broadcasting and a fused activation: TFLM's
 * reference_integer_ops::MulElementwise (and BroadcastMul6DSlow). The product of the offset
 * inputs is rescaled by one multiplier, input1_scale * input2_scale / output_scale. int16
 * needs zero points of 0, as TFLM checks. Header-only. */
#ifndef HIL_MUL_H
#define HIL_MUL_H
#include "binary.h"
#include "quant.h"

enum { HIL_MUL_OPT_ACTIVATION = 0 };

typedef struct {
    hil_broadcast bc; /* first: hil_binary_prepare fills it */
    int32_t input1_offset, input2_offset, output_offset;
    int32_t output_multiplier;
    int output_shift;
    int32_t act_min, act_max;
} hil_mul_params;

static inline int hil_mul_prepare(hil_graph *g, hil_node *node, int type)
{
    int status;
    hil_mul_params *p = hil_binary_prepare(g, node, type, type, sizeof *p, hil_binary_type_message(type), &status);
    if (!p)
        return status;
    hil_tensor *in1 = hil_node_input(g, node, 0), *in2 = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (type == HIL_INT16 && (in1->zero_point || in2->zero_point || out->zero_point))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int16 inputs and output need zero points of 0 (as in TFLM)");
    p->input1_offset = -in1->zero_point;
    p->input2_offset = -in2->zero_point;
    p->output_offset = out->zero_point;
    double real = (double)in1->scale * (double)in2->scale / (double)out->scale;
    hil_quantize_multiplier(real, &p->output_multiplier, &p->output_shift);
    hil_activation_range(out, hil_fb_i8(&g->fb, &node->options, HIL_MUL_OPT_ACTIVATION, 0), &p->act_min,
                         &p->act_max);
    node->params = p;
    return HIL_OK;
}

static inline int32_t hil_mul_element(const hil_mul_params *p, int32_t a, int32_t b)
{
    int32_t product = (p->input1_offset + a) * (p->input2_offset + b);
    int32_t v = hil_multiply_by_quantized_multiplier(product, p->output_multiplier, p->output_shift) + p->output_offset;
    return hil_clamp(v, p->act_min, p->act_max);
}

#endif
