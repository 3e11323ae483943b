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

/* input is normalised by powers of four into [2^27, 2^29), then five
 * Newton-Raphson steps x = 1.5 x - (input / 2) x^3 in Q3.28 starting from 1. */
void hil_inv_sqrt_multiplier(int32_t input, int32_t *multiplier, int *shift)
{
    if (input <= 1) {
        *multiplier = INT32_MAX;
        *shift = 0;
        return;
    }
    int right_shift = 11;
    while (input >= (1 << 29)) {
        input /= 4;
        right_shift++;
    }
    unsigned pairs = (unsigned)(hil_clz32((uint32_t)input) - 1) / 2 - 1;
    right_shift -= (int)pairs;
    input <<= 2 * pairs;
    const int32_t half_input = hil_sat_rounding_mul_by_pot(input >> 1, -1); /* Q3 */
    const int32_t half_three = (1 << 28) + (1 << 27);                       /* 1.5 in Q3 */
    int32_t x = 1 << 28;                                                    /* 1 in Q3 */
    for (int i = 0; i < 5; i++) {
        int32_t x3 = hil_fp_rescale(hil_fp_mul(hil_fp_mul(x, x), x), 9, 3);
        x = hil_fp_rescale(hil_fp_sub(hil_fp_mul(half_three, x), hil_fp_mul(half_input, x3)), 6, 3);
    }
    x = hil_fp_mul(x, 1518500250); /* times sqrt(2) / 2 in Q0: a Q3 result */
    if (right_shift < 0) {
        x = (int32_t)((uint32_t)x << -right_shift);
        right_shift = 0;
    }
    *multiplier = x;
    *shift = -right_shift;
}

static int32_t sat_add(int32_t a, int32_t b)
{
    int64_t sum = (int64_t)a + b;
    return (int32_t)(sum > INT32_MAX ? INT32_MAX : (sum < INT32_MIN ? INT32_MIN : sum));
}

/* x = 2^z * r with r in [sqrt(1/2), sqrt(2)) found from x's leading zeros twice (x and x / sqrt(2),
 * keeping the smaller r); log(x) = z log(2) + log(r), log(r) from a rational approximation in
 * q = 2 (r - 2^-1/4), accumulated with one integer bit more than the output. */
int32_t hil_log_x_for_x_ge_1(int32_t x, int input_bits, int output_bits)
{
    const int32_t log_2 = 1488522236;          /* log(2) */
    const int32_t sqrt_sqrt_half = 1805811301; /* 2^-1/4 */
    const int32_t sqrt_half = 1518500250;      /* 2^-1/2 */
    const int32_t one_quarter = 536870912;     /* 1/4 */
    const int32_t alpha_n = 117049297;         /* 11/240 * 2^1/4 */
    const int32_t alpha_d = 127690142;         /* 1/20 * 2^1/4 */
    const int32_t alpha_i = 1057819769;        /* 2 / 2^1/4 - 2^1/4 */
    const int32_t alpha_f = 638450708;         /* 1/4 * 2^1/4 */
    const int accum_bits = output_bits + 1;
    const int32_t shifted_quarter = hil_fp_rescale(one_quarter, 0, accum_bits);

    int z_a_headroom_plus_1 = hil_clz32((uint32_t)x);
    int32_t r_a_tmp = hil_sat_rounding_mul_by_pot(x, z_a_headroom_plus_1 - 1);
    int32_t r_a = hil_sat_rounding_mul_by_pot(hil_fp_mul(r_a_tmp, sqrt_half), 1);
    int32_t z_a_pow_2_adj =
        sat_add(hil_sat_rounding_mul_by_pot(input_bits - z_a_headroom_plus_1, 31 - accum_bits), shifted_quarter);
    int32_t z_b = hil_fp_mul(x, sqrt_half);
    int z_b_headroom = hil_clz32((uint32_t)z_b) - 1;
    int32_t r_b = hil_sat_rounding_mul_by_pot(x, z_b_headroom);
    int32_t z_b_pow_2_adj =
        sat_add(hil_sat_rounding_mul_by_pot(input_bits - z_b_headroom, 31 - accum_bits), -shifted_quarter);
    int32_t r = r_a < r_b ? r_a : r_b;
    int32_t z_pow_2_adj = z_a_pow_2_adj > z_b_pow_2_adj ? z_a_pow_2_adj : z_b_pow_2_adj;

    int32_t p = hil_rounding_half_sum(r, sqrt_sqrt_half);
    int32_t q = hil_fp_sub(r, sqrt_sqrt_half);
    q = hil_fp_add(q, q);
    int32_t common_sq = hil_fp_mul(q, q);
    int32_t num = hil_fp_add(hil_fp_mul(q, r), hil_fp_mul(hil_fp_mul(q, common_sq), alpha_n));
    int32_t denom_minus_one =
        hil_fp_add(hil_fp_mul(p, hil_fp_add(hil_fp_add(alpha_i, q), hil_fp_mul(alpha_d, common_sq))),
                   hil_fp_mul(alpha_f, q));
    int32_t recip_denom = hil_one_over_one_plus_x_for_x_in_0_1(denom_minus_one);
    int32_t num_scaled = hil_fp_rescale(num, 0, accum_bits);
    int32_t sum = hil_fp_add(hil_fp_mul(z_pow_2_adj, log_2), hil_fp_mul(num_scaled, recip_denom));
    return hil_fp_rescale(sum, accum_bits, output_bits);
}
