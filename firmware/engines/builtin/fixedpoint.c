/* Fixed-point math functions (see fixedpoint.h). Constants are the raw Q0 (or Q2) values
 * gemmlowp uses; each comment gives the real number it stands for. */
#include "fixedpoint.h"

#include <math.h>

int32_t hil_exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a)
{
    const int32_t constant_term = 1895147668;    /* exp(-1/8) */
    const int32_t constant_1_over_3 = 715827883; /* 1/3 */
    int32_t x = hil_fp_add(a, 1 << 28);          /* a + 1/8 */
    int32_t x2 = hil_fp_mul(x, x);
    int32_t x3 = hil_fp_mul(x2, x);
    int32_t x4 = hil_fp_mul(x2, x2);
    int32_t x4_over_4 = hil_sat_rounding_mul_by_pot(x4, -2);
    /* x^4/24 + x^3/6 + x^2/2 */
    int32_t poly = hil_sat_rounding_mul_by_pot(
        hil_fp_add(hil_fp_mul(hil_fp_add(x4_over_4, x3), constant_1_over_3), x2), -1);
    return hil_fp_add(constant_term, hil_fp_mul(constant_term, hil_fp_add(x, poly)));
}

int32_t hil_exp_on_negative_values(int32_t a, int integer_bits)
{
    static const int32_t multipliers[7] = {
        1672461947, /* exp(-1/4) */
        1302514674, /* exp(-1/2) */
        790015084,  /* exp(-1) */
        290630308,  /* exp(-2) */
        39332535,   /* exp(-4) */
        720401,     /* exp(-8) */
        242,        /* exp(-16) */
    };
    const int fractional_bits = 31 - integer_bits;
    const int32_t one_quarter = (int32_t)(1u << (fractional_bits - 2));
    const int32_t mask = one_quarter - 1;
    /* a = (a mod 1/4) - 1/4 - remainder: exp of the first part by polynomial, then multiply in
     * exp(-2^k) for every bit k of the remainder (a barrel shifter over exponents -2..4). */
    int32_t a_mod_quarter_minus_one_quarter = hil_fp_sub(a & mask, one_quarter);
    int32_t result = hil_exp_on_interval_between_negative_one_quarter_and_0_excl(
        hil_fp_rescale(a_mod_quarter_minus_one_quarter, integer_bits, 0));
    int32_t remainder = hil_fp_sub(a_mod_quarter_minus_one_quarter, a);
    for (int exponent = -2; exponent <= 4; exponent++) {
        if (integer_bits > exponent) {
            int shift = fractional_bits + exponent;
            if (remainder & (int32_t)(1u << shift))
                result = hil_fp_mul(result, multipliers[exponent + 2]);
        }
    }
    if (integer_bits > 5) {
        int32_t clamp = -(int32_t)(1u << (36 - integer_bits)); /* -32 in Q(integer_bits) */
        if (a < clamp)
            result = 0;
    }
    return a == 0 ? INT32_MAX : result;
}

/* Newton-Raphson for 1 / half_denominator in Q2, shared by the two divisions below. */
static int32_t reciprocal_of_half_denominator_q2(int32_t half_denominator)
{
    const int32_t constant_48_over_17 = 1515870810;      /* 48/17 in Q2 */
    const int32_t constant_neg_32_over_17 = -1010580540; /* -32/17 in Q2 */
    const int32_t one_q2 = hil_fp_one(2);
    int32_t x = hil_fp_add(constant_48_over_17, hil_fp_mul(half_denominator, constant_neg_32_over_17));
    for (int i = 0; i < 3; i++) {
        int32_t half_denominator_times_x = hil_fp_mul(half_denominator, x);          /* Q2 */
        int32_t one_minus = hil_fp_sub(one_q2, half_denominator_times_x);             /* Q2 */
        x = hil_fp_add(x, hil_fp_rescale(hil_fp_mul(x, one_minus), 4, 2));             /* Q4 -> Q2 */
    }
    return x;
}

int32_t hil_one_over_one_plus_x_for_x_in_0_1(int32_t a)
{
    int32_t half_denominator = hil_rounding_half_sum(a, INT32_MAX);
    int32_t x = reciprocal_of_half_denominator_q2(half_denominator);
    /* x / 2, reinterpreted from Q1 to Q0 */
    return hil_fp_rescale(x, 1, 0);
}

int32_t hil_one_minus_x_over_one_plus_x_for_x_in_0_1(int32_t a)
{
    int32_t half_denominator = hil_rounding_half_sum(a, INT32_MAX);
    int32_t x = reciprocal_of_half_denominator_q2(half_denominator);
    return hil_fp_rescale(hil_fp_sub(x, hil_fp_one(2)), 2, 0);
}

int32_t hil_fp_logistic(int32_t a, int integer_bits)
{
    if (a == 0)
        return 1 << 30; /* 0.5 */
    int32_t abs_a = a > 0 ? a : hil_fp_neg(a);
    int32_t positive = hil_one_over_one_plus_x_for_x_in_0_1(
        hil_exp_on_negative_values(hil_fp_neg(abs_a), integer_bits));
    return a > 0 ? positive : hil_fp_sub(INT32_MAX, positive);
}

int32_t hil_fp_tanh(int32_t a, int integer_bits)
{
    if (a == 0)
        return 0;
    int32_t n = a < 0 ? a : hil_fp_neg(a);
    /* -tanh(n) for n < 0: exp(2n) with 2n read exactly as Q(integer_bits + 1) */
    int32_t t = hil_one_minus_x_over_one_plus_x_for_x_in_0_1(hil_exp_on_negative_values(n, integer_bits + 1));
    return a < 0 ? hil_fp_neg(t) : t;
}

int32_t hil_get_reciprocal(int32_t x, int x_integer_digits, int *num_bits_over_unit)
{
    int headroom_plus_one = hil_clz32((uint32_t)x);
    *num_bits_over_unit = x_integer_digits - headroom_plus_one;
    int32_t shifted_sum_minus_one = (int32_t)(((uint32_t)x << headroom_plus_one) - (1u << 31));
    return hil_one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one);
}

int32_t hil_input_radius(int integer_bits, int left_shift)
{
    double max_rescaled = 1.0 * ((1 << integer_bits) - 1) * (double)(1ll << (31 - integer_bits)) /
                          (double)(1ll << left_shift);
    return (int32_t)floor(max_rescaled);
}

int hil_frexp_multiplier(double real, int32_t *multiplier, int *shift)
{
    double q = frexp(real, shift);
    if (!(real > 0.0) || *shift < 0 || *shift > 30)
        return 0;
    *multiplier = (int32_t)round(q * (double)(1ll << 31));
    return 1;
}
