/* DEQUANTIZE of a constant float16 tensor to float32: the float16-weights form of post-training
 * quantization, where the converter stores weights as float16 and expands them with DEQUANTIZE
 * operators. The weights are constant, so they are widened once at load (as TFLite does for
 * constant DEQUANTIZE inputs) into persistent arena memory, and the output tensor becomes a
 * constant: the operator costs nothing per inference, and the arena holds the float32 weights.
 * float16 -> float32 is exact. Non-constant float16 tensors are refused. */
#include <string.h>

#include "common_f32.h"

float hil_f16_to_f32(uint16_t half)
{
    uint32_t sign = (uint32_t)(half & 0x8000u) << 16;
    uint32_t exponent = (half >> 10) & 0x1Fu;
    uint32_t mantissa = half & 0x3FFu;
    uint32_t bits;
    if (exponent == 0x1Fu) { /* infinity or NaN */
        bits = sign | 0x7F800000u | (mantissa << 13);
    } else if (exponent != 0) { /* normal: rebias the exponent from 15 to 127 */
        bits = sign | ((exponent + 112u) << 23) | (mantissa << 13);
    } else if (mantissa == 0) { /* signed zero */
        bits = sign;
    } else { /* subnormal half: a normal float once the leading 1 is shifted into place */
        uint32_t shifts = 0;
        while (!(mantissa & 0x400u)) {
            mantissa <<= 1;
            shifts++;
        }
        bits = sign | ((113u - shifts) << 23) | ((mantissa & 0x3FFu) << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static int dequantize_f16_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 1 || hil_node_num_outputs(node) != 1 || !in || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs one input and one output");
    if (in->type != HIL_FLOAT16 || out->type != HIL_FLOAT32)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "only float16 input with float32 output is supported");
    if (!in->is_const)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "only constant float16 tensors (float16 weights) are supported");
    uint32_t n = hil_num_elements(in);
    if (n != hil_num_elements(out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output sizes differ");
    float *widened = hil_persistent_alloc(g, (size_t)n * sizeof(float));
    if (!widened)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena too small for the float32 weights");
    for (uint32_t i = 0; i < n; i++)
        widened[i] = hil_f16_to_f32((uint16_t)(in->data[2 * i] | (in->data[2 * i + 1] << 8)));
    out->data = (uint8_t *)widened;
    out->is_const = 1; /* the planner leaves it alone; later operators see constant weights */
    return HIL_OK;
}

static int dequantize_f16_eval(hil_graph *g, hil_node *node)
{
    (void)g, (void)node; /* done once at load */
    return HIL_OK;
}

const hil_kernel hil_kernel_dequantize_f16 = {6, "DEQUANTIZE", dequantize_f16_prepare, dequantize_f16_eval};
