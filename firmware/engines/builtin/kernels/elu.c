/* ELU, int8: TFLM's lookup table, built at prepare from single-precision float math exactly as
 * TFLM's PopulateLookupTable does (dequantize, exp(x) - 1 below zero, scale by 1 / output_scale,
 * round half away from zero, add the zero point, saturate). A value beyond int32 (TFLM converts
 * it anyway, which C leaves undefined) saturates. */
#include <math.h>

#include "quant.h"
#include "unary.h"

typedef struct {
    int8_t table[256];
    uint32_t size;
} elu_params;

static int8_t elu_entry(const hil_tensor *in, const hil_tensor *out, int32_t value)
{
    const float inverse_scale = 1 / out->scale;
    float x = in->scale * (float)(value - in->zero_point);
    float y = x < 0.0f ? expf(x) - 1.0f : x;
    float q = roundf(y * inverse_scale) + (float)out->zero_point;
    return (int8_t)(q <= INT8_MIN ? INT8_MIN : (q >= INT8_MAX ? INT8_MAX : (int32_t)q));
}

static int elu_prepare(hil_graph *g, hil_node *node)
{
    int status = hil_unary_check(g, node, HIL_INT8);
    if (status != HIL_OK)
        return status;
    const hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    if (!hil_is_quantized(in) || !hil_is_quantized(out))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int8 input and output need quantization");
    elu_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    for (int32_t v = INT8_MIN; v <= INT8_MAX; v++)
        p->table[(uint8_t)v] = elu_entry(in, out, v);
    p->size = hil_num_elements(in);
    node->params = p;
    return HIL_OK;
}

static int elu_eval(hil_graph *g, hil_node *node)
{
    const elu_params *p = node->params;
    const int8_t *in = (const int8_t *)hil_node_input(g, node, 0)->data;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++)
        out[i] = p->table[(uint8_t)in[i]];
    return HIL_OK;
}

const hil_kernel hil_kernel_elu = {111, "ELU", elu_prepare, elu_eval};
