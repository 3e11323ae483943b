/* RSQRT, int8: TFLM's RsqrtEvalQuantized. 1 / sqrt(x - input zero point) as a Q31 multiplier
 * and shift from a fixed-point Newton-Raphson iteration (TFLM's GetInvSqrtQuantizedMultiplierExp),
 * applied to 1 shifted left by 20, then rescaled by 1 / (sqrt(input_scale) * output_scale). An
 * input of exactly the zero point gives the int8 maximum; an input below it fails the invoke, as
 * TFLM's does ("Rsqrt is only defined for positive values"). */
#include <math.h>

#include "fixedpoint.h"
#include "hil_protocol.h"
#include "quant.h"
#include "unary.h"

#define RSQRT_SHIFT 20 /* keeps the intermediate an integer */

typedef struct {
    int32_t input_offset, output_offset, multiplier;
    int shift;
    uint32_t size;
} rsqrt_params;

static int rsqrt_prepare(hil_graph *g, hil_node *node)
{
    int status = hil_unary_check(g, node, HIL_INT8);
    if (status != HIL_OK)
        return status;
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (!hil_is_quantized(in) || !hil_is_quantized(out))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input and output need quantization (as in TFLM)");
    rsqrt_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    hil_quantize_multiplier(1.0 / (double)(sqrtf(in->scale) * out->scale), &p->multiplier, &p->shift);
    p->input_offset = in->zero_point;
    p->output_offset = out->zero_point;
    p->size = hil_num_elements(in);
    node->params = p;
    return HIL_OK;
}

static int rsqrt_eval(hil_graph *g, hil_node *node)
{
    const rsqrt_params *p = node->params;
    const int8_t *in = (const int8_t *)hil_node_input(g, node, 0)->data;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++) {
        int32_t value = in[i] - p->input_offset;
        if (value < 0)
            return HIL_ERR_INVOKE_FAILED;
        if (value == 0) {
            out[i] = INT8_MAX;
            continue;
        }
        int32_t m;
        int s;
        hil_inv_sqrt_multiplier(value, &m, &s);
        int32_t data = hil_multiply_by_quantized_multiplier(1, m, s + RSQRT_SHIFT);
        int32_t v = hil_multiply_by_quantized_multiplier(data, p->multiplier, p->shift - RSQRT_SHIFT) + p->output_offset;
        out[i] = (int8_t)hil_clamp(v, INT8_MIN, INT8_MAX);
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_rsqrt = {76, "RSQRT", rsqrt_prepare, rsqrt_eval};
