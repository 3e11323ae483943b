/* ADD and SUB of quantized int8 and int16 tensors, with broadcasting and a fused activation: the
 * arithmetic of TFLM's AddElementwise / SubElementwise (and their broadcast forms). Both inputs
 * are shifted left (20 bits for int8, 15 for int16), rescaled to a common scale (twice the larger
 * input scale) with per-input multipliers, added or subtracted, and the result is rescaled to the
 * output scale. The multipliers are computed in double for both (the TFLM build of the
 * tflite-micro wheel does so for SUB too: checked with random scales against it). */
#ifndef HIL_ADD_SUB_H
#define HIL_ADD_SUB_H
#include "binary.h"
#include "quant.h"

typedef struct {
    hil_broadcast bc; /* first: hil_binary_prepare fills it */
    int32_t input1_offset, input2_offset, output_offset;
    int32_t input1_multiplier, input2_multiplier, output_multiplier;
    int input1_shift, input2_shift, output_shift;
    int32_t act_min, act_max;
} hil_add_sub_params;

enum { HIL_ADD_SUB_LEFT_SHIFT_INT8 = 20, HIL_ADD_SUB_LEFT_SHIFT_INT16 = 15 };

/* Checks and parameters for ADD or SUB of int8 or int16 tensors. */
int hil_add_sub_prepare(hil_graph *g, hil_node *node, int type);

/* One output element from the raw inputs a and b (int32 arithmetic wraps, as it does in TFLM). */
static inline int32_t hil_add_sub_element(const hil_add_sub_params *p, int32_t a, int32_t b, int left_shift,
                                          int is_sub)
{
    int32_t x = (int32_t)((uint32_t)(p->input1_offset + a) << left_shift);
    int32_t y = (int32_t)((uint32_t)(p->input2_offset + b) << left_shift);
    int32_t sx = hil_multiply_by_quantized_multiplier(x, p->input1_multiplier, p->input1_shift);
    int32_t sy = hil_multiply_by_quantized_multiplier(y, p->input2_multiplier, p->input2_shift);
    int32_t raw = (int32_t)(is_sub ? (uint32_t)sx - (uint32_t)sy : (uint32_t)sx + (uint32_t)sy);
    int32_t v = hil_multiply_by_quantized_multiplier(raw, p->output_multiplier, p->output_shift) + p->output_offset;
    return hil_clamp(v, p->act_min, p->act_max);
}

#endif
