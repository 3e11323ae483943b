/* SQUARED_DIFFERENCE of quantized int8 and int16 tensors, with broadcasting: the arithmetic of
 * TFLM's quantized SquaredDifference. Both offset inputs are shifted left (7 bits for int8, none
 * for int16), rescaled to half the larger input scale, subtracted and squared, and the square is
 * rescaled by (2 * max input scale)^2 / (2^(2 * shift) * output_scale) (the denominator formed
 * in single precision, as in TFLM). int16 needs zero points of 0. Header-only. */
#ifndef HIL_SQUARED_DIFFERENCE_H
#define HIL_SQUARED_DIFFERENCE_H
#include "binary.h"
#include "quant.h"

typedef struct {
    hil_broadcast bc; /* first: hil_binary_prepare fills it */
    int32_t input1_offset, input2_offset, output_offset;
    int32_t input1_multiplier, input2_multiplier, output_multiplier;
    int input1_shift, input2_shift, output_shift;
    int left_shift;
    int32_t out_min, out_max;
} hil_squared_difference_params;

static inline int hil_squared_difference_prepare(hil_graph *g, hil_node *node, int type)
{
    int status;
    hil_squared_difference_params *p = hil_binary_prepare(g, node, type, type, sizeof *p,
                                                          hil_binary_type_message(type), &status);
    if (!p)
        return status;
    hil_tensor *in1 = hil_node_input(g, node, 0), *in2 = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (type == HIL_INT16 && (in1->zero_point || in2->zero_point || out->zero_point))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int16 inputs and output need zero points of 0 (as in TFLM)");
    p->left_shift = type == HIL_INT16 ? 0 : 7;
    double twice_max = 2.0 * (double)(in1->scale > in2->scale ? in1->scale : in2->scale);
    float denominator = (float)(1 << (2 * p->left_shift)) * out->scale;
    if (!hil_quantize_multiplier_below_one((double)in1->scale / twice_max, &p->input1_multiplier, &p->input1_shift) ||
        !hil_quantize_multiplier_below_one((double)in2->scale / twice_max, &p->input2_multiplier, &p->input2_shift))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "inputs need positive quantization scales (TFLM aborts without)");
    hil_quantize_multiplier(twice_max * twice_max / (double)denominator, &p->output_multiplier, &p->output_shift);
    p->input1_offset = -in1->zero_point;
    p->input2_offset = -in2->zero_point;
    p->output_offset = out->zero_point;
    p->out_min = type == HIL_INT16 ? INT16_MIN : INT8_MIN;
    p->out_max = type == HIL_INT16 ? INT16_MAX : INT8_MAX;
    node->params = p;
    return HIL_OK;
}

static inline int32_t hil_squared_difference_element(const hil_squared_difference_params *p, int32_t a, int32_t b)
{
    int32_t x = (int32_t)((uint32_t)(p->input1_offset + a) << p->left_shift);
    int32_t y = (int32_t)((uint32_t)(p->input2_offset + b) << p->left_shift);
    int32_t diff = hil_multiply_by_quantized_multiplier(x, p->input1_multiplier, p->input1_shift) -
                   hil_multiply_by_quantized_multiplier(y, p->input2_multiplier, p->input2_shift);
    int32_t v = hil_multiply_by_quantized_multiplier(diff * diff, p->output_multiplier, p->output_shift);
    return hil_clamp(v + p->output_offset, p->out_min, p->out_max);
}

#endif
