/* ABS of quantized int8 and int16 tensors: TFLM's AbsEvalQuantized. |x - input zero point| is
 * stored at the output zero point, rescaled by input_scale / output_scale when the two scales
 * differ, and saturated to the element type. An int16 tensor without quantization takes the
 * plain absolute value (kernels/abs_i16.c). Header-only. */
#ifndef HIL_ABS_H
#define HIL_ABS_H
#include "binary.h"
#include "quant.h"
#include "unary.h"

typedef struct {
    int32_t input_offset, output_offset, multiplier;
    int shift;
    uint8_t needs_rescale, quantized;
    uint32_t size;
} hil_abs_params;

static inline int hil_abs_prepare(hil_graph *g, hil_node *node, int type)
{
    int status = hil_unary_check(g, node, type);
    if (status != HIL_OK)
        return status;
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    hil_abs_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->quantized = type == HIL_INT8 || hil_is_quantized(in);
    if (p->quantized) {
        if (!hil_is_quantized(in) || !hil_is_quantized(out))
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input and output need quantization (as in TFLM)");
        if (type == HIL_INT16 && (in->zero_point || out->zero_point))
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int16 input and output need zero points of 0 (as in TFLM)");
        p->input_offset = in->zero_point;
        p->output_offset = out->zero_point;
        p->needs_rescale = in->scale != out->scale;
        if (p->needs_rescale)
            hil_quantize_multiplier((double)in->scale / (double)out->scale, &p->multiplier, &p->shift);
    }
    p->size = hil_num_elements(in);
    node->params = p;
    return HIL_OK;
}

static inline int32_t hil_abs_element(const hil_abs_params *p, int32_t x, int32_t lo, int32_t hi)
{
    int32_t value = x - p->input_offset;
    value = value < 0 ? -value : value;
    int32_t v = p->needs_rescale ? hil_multiply_by_quantized_multiplier(value, p->multiplier, p->shift) : value;
    return hil_clamp(v + p->output_offset, lo, hi);
}

#endif
