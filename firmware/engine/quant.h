/* Fixed-point arithmetic shared by the int8 kernels, bit-exact with TFLM's reference kernels
 * (gemmlowp-style double rounding: a rounding doubling high multiply, then a rounding shift). */
#ifndef HIL_QUANT_H
#define HIL_QUANT_H
#include <stdint.h>

#include "graph.h"

static inline int32_t hil_sat_rounding_doubling_high_mul(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN)
        return INT32_MAX;
    int64_t ab = (int64_t)a * (int64_t)b;
    int64_t nudge = ab >= 0 ? (1ll << 30) : (1 - (1ll << 30));
    return (int32_t)((ab + nudge) / (1ll << 31)); /* division truncates toward zero, as in TFLM */
}

static inline int32_t hil_rounding_divide_by_pot(int32_t x, int exponent)
{
#ifdef HIL_TEST_BREAK_ROUNDING
    /* Test-only defect: truncate instead of rounding, so parity suites can be shown to fail. */
    return x >> exponent;
#else
    int32_t mask = (int32_t)((1ll << exponent) - 1);
    int32_t remainder = x & mask;
    int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
#endif
}

/* TFLM's MultiplyByQuantizedMultiplier: x * multiplier * 2^shift with double rounding. */
static inline int32_t hil_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int shift)
{
    int left_shift = shift > 0 ? shift : 0;
    int right_shift = shift > 0 ? 0 : -shift;
    return hil_rounding_divide_by_pot(
        hil_sat_rounding_doubling_high_mul((int32_t)((uint32_t)x << left_shift), multiplier), right_shift);
}

static inline int32_t hil_clamp(int32_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* TFLM's QuantizeMultiplier: a real multiplier as a Q31 value and a power-of-two exponent. */
void hil_quantize_multiplier(double real_multiplier, int32_t *multiplier, int *shift);

/* TFLM's CalculateActivationRangeQuantized for an int8/int16 output tensor. */
void hil_activation_range(const hil_tensor *output, int activation, int32_t *act_min, int32_t *act_max);

/* Per-channel (or per-tensor, n == 1) requantization parameters of a conv / FC style op:
 * real multiplier = input_scale * filter_scale[c] / output_scale, computed in double. */
typedef struct {
    int32_t *multiplier;
    int32_t *shift;
    uint32_t channels;
} hil_requant;

int hil_requant_prepare(hil_graph *g, hil_node *node, const hil_tensor *input, const hil_tensor *filter,
                        const hil_tensor *output, uint32_t channels, hil_requant *out);

#endif
