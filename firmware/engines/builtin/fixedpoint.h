/* Scalar Q-format fixed-point functions used by TFLM's int8 softmax, logistic and tanh, written
 * from gemmlowp's fixedpoint.h definitions (the ones TFLM's reference kernels call) so results
 * are bit-exact. A value in "Qm" here is an int32 with m integer bits and 31 - m fractional bits.
 * Additions wrap in two's complement as gemmlowp's plain int32 Add does (computed in uint32 so
 * C has no signed overflow); multiplications are the saturating rounding doubling high multiply
 * from quant.h. */
#ifndef HIL_FIXEDPOINT_H
#define HIL_FIXEDPOINT_H
#include <stdint.h>

#include "quant.h"

static inline int32_t hil_fp_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static inline int32_t hil_fp_sub(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }
static inline int32_t hil_fp_neg(int32_t a) { return (int32_t)(0u - (uint32_t)a); }
static inline int32_t hil_fp_mul(int32_t a, int32_t b) { return hil_sat_rounding_doubling_high_mul(a, b); }

/* The fixed-point 1.0 of a Qm format: the largest raw value for m == 0, else 2^(31 - m). */
static inline int32_t hil_fp_one(int integer_bits)
{
    return integer_bits == 0 ? INT32_MAX : (int32_t)(1u << (31 - integer_bits));
}

/* Leading zero bits of a 32-bit value (32 for zero). */
static inline int hil_clz32(uint32_t x)
{
    if (x == 0)
        return 32;
#if defined(__GNUC__)
    return __builtin_clz(x);
#else
    int n = 0;
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
#endif
}

/* Redundant leading sign bits of x (TFLM's CountLeadingSignBits: 31 for 0). */
static inline int hil_clrsb32(int32_t x)
{
    return hil_clz32(x < 0 ? ~(uint32_t)x : (uint32_t)x) - 1;
}

/* x * 2^exponent: a saturating left shift for exponent > 0, a rounding right shift for < 0. */
static inline int32_t hil_sat_rounding_mul_by_pot(int32_t x, int exponent)
{
    if (exponent < 0)
        return hil_rounding_divide_by_pot(x, -exponent);
    if (exponent == 0)
        return x;
    int32_t threshold = (int32_t)((1u << (31 - exponent)) - 1u);
    if (x > threshold)
        return INT32_MAX;
    if (x < -threshold)
        return INT32_MIN;
    return (int32_t)((uint32_t)x << exponent);
}

/* Converts a Q(src_bits) raw value to Q(dst_bits). */
static inline int32_t hil_fp_rescale(int32_t x, int src_bits, int dst_bits)
{
    return hil_sat_rounding_mul_by_pot(x, src_bits - dst_bits);
}

/* (a + b) / 2 rounded to nearest, half away from zero. */
static inline int32_t hil_rounding_half_sum(int32_t a, int32_t b)
{
    int64_t sum = (int64_t)a + (int64_t)b;
    return (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/* TFLM's MultiplyByQuantizedMultiplierGreaterThanOne (double-rounding build): the left shift is
 * a plain multiply, then one rounding doubling high multiply, no right shift. */
static inline int32_t hil_multiply_by_quantized_multiplier_gt_one(int32_t x, int32_t multiplier, int left_shift)
{
    return hil_sat_rounding_doubling_high_mul((int32_t)((uint32_t)x << left_shift), multiplier);
}

/* exp(a) for a in [-1/4, 0), a in Q0, result in Q0: a Taylor expansion around -1/8. */
int32_t hil_exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a);

/* exp(a) for a <= 0, a in Q(integer_bits) with 0 <= integer_bits <= 30, result in Q0. */
int32_t hil_exp_on_negative_values(int32_t a, int integer_bits);

/* 1 / (1 + a) for a in [0, 1), both in Q0 (Newton-Raphson division). */
int32_t hil_one_over_one_plus_x_for_x_in_0_1(int32_t a);

/* (1 - a) / (1 + a) for a in [0, 1), both in Q0. */
int32_t hil_one_minus_x_over_one_plus_x_for_x_in_0_1(int32_t a);

/* logistic(a) and tanh(a), a in Q(integer_bits), result in Q0. */
int32_t hil_fp_logistic(int32_t a, int integer_bits);
int32_t hil_fp_tanh(int32_t a, int integer_bits);

/* TFLM's GetReciprocal: 1 / x for x > 0 in Q(x_integer_digits), returned in Q0 scaled by
 * 2^-num_bits_over_unit (the caller shifts the product back). */
int32_t hil_get_reciprocal(int32_t x, int x_integer_digits, int *num_bits_over_unit);

/* TFLM's CalculateInputRadius(integer_bits, left_shift, 31): the largest input difference whose
 * rescaled value still fits in Q(integer_bits). */
int32_t hil_input_radius(int integer_bits, int left_shift);

/* The input rescale of TFLM's int8 logistic and tanh: frexp's mantissa in Q31 and its exponent,
 * taken as they are. Returns 0 when the shift falls outside [0, 30] (scales TFLM cannot use). */
int hil_frexp_multiplier(double real, int32_t *multiplier, int *shift);

/* TFLM's PreprocessSoftmaxScaling and QuantizeMultiplierGreaterThanOne: beta * input_scale as a
 * multiplier of differences into Q(integer_bits), capped below 2^31; 0 where TFLM would abort
 * (a product of 2^-(31 - integer_bits) or less). Inline: a model with one softmax kernel pays no
 * call for it. */
static inline int hil_softmax_scaling(double beta, double input_scale, int integer_bits, int32_t *multiplier,
                                      int *left_shift)
{
    double real = beta * input_scale * (double)(1 << (31 - integer_bits));
    const double max_real = (double)((1ll << 31) - 1);
    if (real > max_real)
        real = max_real;
    if (!(real > 1.0))
        return 0;
    hil_quantize_multiplier(real, multiplier, left_shift);
    return *left_shift >= 0;
}

/* TFLM's log_x_for_x_greater_than_or_equal_to_1: log(x) for x >= 1 in Q(input_bits), in
 * Q(output_bits). */
int32_t hil_log_x_for_x_ge_1(int32_t x, int input_bits, int output_bits);

/* TFLM's GetInvSqrtQuantizedMultiplierExp(input, kReverseShift): 1 / sqrt(input) for input >= 0
 * as a Q31 multiplier and a (left) shift for hil_multiply_by_quantized_multiplier; inputs 0 and
 * 1 give INT32_MAX and 0. */
void hil_inv_sqrt_multiplier(int32_t input, int32_t *multiplier, int *shift);

#endif
