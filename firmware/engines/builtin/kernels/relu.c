/* RELU, int8: TFLM's ReluQuantized, which requantizes from the input to the output scale
 * (multiplier input_scale / output_scale) and clamps at the quantized 0 of the output. */
#include <math.h>

#include "hil_protocol.h"
#include "unary.h"
#include "quant.h"

typedef struct {
    int32_t input_offset, output_offset, multiplier, act_min, act_max;
    int shift;
    uint32_t size;
} relu_params;

static int relu_prepare(hil_graph *g, hil_node *node)
{
    int status = hil_unary_check(g, node, HIL_INT8);
    if (status != HIL_OK)
        return status;
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (!(in->scale > 0.0f) || !(out->scale > 0.0f))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input and output need quantization scales");
    relu_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    hil_quantize_multiplier((double)in->scale / (double)out->scale, &p->multiplier, &p->shift);
    /* TFLM: max(int8 min, zero_point + round(0 / scale)); the upper bound is the int8 max. */
    int32_t zero = out->zero_point + (int32_t)roundf(0.0f / out->scale);
    p->act_min = zero > INT8_MIN ? zero : INT8_MIN;
    p->act_max = INT8_MAX;
    p->input_offset = in->zero_point;
    p->output_offset = out->zero_point;
    p->size = hil_num_elements(in);
    node->params = p;
    return HIL_OK;
}

static int relu_eval(hil_graph *g, hil_node *node)
{
    const relu_params *p = node->params;
    const int8_t *in = (const int8_t *)hil_node_input(g, node, 0)->data;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++) {
        int32_t v = p->output_offset +
                    hil_multiply_by_quantized_multiplier(in[i] - p->input_offset, p->multiplier, p->shift);
        out[i] = (int8_t)hil_clamp(v, p->act_min, p->act_max);
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_relu = {19, "RELU", relu_prepare, relu_eval};
