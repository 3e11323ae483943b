/* RELU of quantized int8 and int16 tensors: TFLM's ReluQuantized, which requantizes from the
 * input to the output scale (multiplier input_scale / output_scale, computed in float as TFLM
 * does) and clamps at the output's quantized 0. int16 needs zero points of 0, as TFLM checks.
 * Header-only. */
#ifndef HIL_RELU_H
#define HIL_RELU_H
#include <math.h>

#include "hil_protocol.h"
#include "quant.h"
#include "unary.h"

typedef struct {
    int32_t input_offset, output_offset, multiplier, act_min, act_max;
    int shift;
    uint32_t size;
} hil_relu_params;

static inline int hil_relu_prepare(hil_graph *g, hil_node *node, int type, int32_t type_min, int32_t type_max)
{
    int status = hil_unary_check(g, node, type);
    if (status != HIL_OK)
        return status;
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (!(in->scale > 0.0f) || !(out->scale > 0.0f))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input and output need quantization scales");
    if (type == HIL_INT16 && (in->zero_point || out->zero_point))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int16 input and output need zero points of 0 (as in TFLM)");
    hil_relu_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    hil_quantize_multiplier((double)in->scale / (double)out->scale, &p->multiplier, &p->shift);
    /* TFLM: max(type min, zero_point + round(0 / scale)); the upper bound is the type's max */
    int32_t zero = out->zero_point + (int32_t)roundf(0.0f / out->scale);
    p->act_min = zero > type_min ? zero : type_min;
    p->act_max = type_max;
    p->input_offset = in->zero_point;
    p->output_offset = out->zero_point;
    p->size = hil_num_elements(in);
    node->params = p;
    return HIL_OK;
}

static inline int32_t hil_relu_element(const hil_relu_params *p, int32_t x)
{
    int32_t v = p->output_offset + hil_multiply_by_quantized_multiplier(x - p->input_offset, p->multiplier, p->shift);
    return hil_clamp(v, p->act_min, p->act_max);
}

#endif
