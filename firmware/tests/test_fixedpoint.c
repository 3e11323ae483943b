/* Fixed-point helpers (fixedpoint.h) against values worked out from their definitions: exact
 * values where the arithmetic makes them exact (identities, constants, power-of-two inputs),
 * otherwise the real function in double precision within an error bound. The bounds are 2-4
 * times the largest error measured here (exp's 2.3e-7 is the truncation error of gemmlowp's
 * 4th-order expansion on [-1/4, 0)); a wrong constant or rounding step shows up far above them. */
#include <math.h>
#include <stdint.h>

#include "fixedpoint.h"
#include "hil_test.h"

#define Q(bits) ((double)(1ll << (31 - (bits)))) /* one in Q(bits) */

#define RECIP_BOUND 2e-8

static double worst_exp_error, worst_recip_error, worst_logistic_error, worst_tanh_error;

static void check_close(double got, double want, double bound, double *worst, const char *what, double at)
{
    double err = fabs(got - want);
    if (err > *worst)
        *worst = err;
    if (err > bound) {
        fprintf(stderr, "%s(%g) = %.9f, expected %.9f (error %.3g > %.3g)\n", what, at, got, want, err, bound);
        hil_test_failures++;
    }
}

static void test_pot_helpers(void)
{
    CHECK_EQ_INT(hil_sat_rounding_mul_by_pot(1 << 28, 2), 1 << 30);
    CHECK_EQ_INT(hil_sat_rounding_mul_by_pot(1 << 29, 2), INT32_MAX); /* 2^31 does not fit */
    CHECK_EQ_INT(hil_sat_rounding_mul_by_pot(-(1 << 29), 2), INT32_MIN);
    CHECK_EQ_INT(hil_sat_rounding_mul_by_pot(-(1 << 28), 2), -(1 << 30));
    CHECK_EQ_INT(hil_sat_rounding_mul_by_pot(5, -1), 3); /* 2.5 rounds away from zero */
    CHECK_EQ_INT(hil_sat_rounding_mul_by_pot(-5, -1), -3);
    CHECK_EQ_INT(hil_sat_rounding_mul_by_pot(7, 0), 7);
    CHECK_EQ_INT(hil_fp_rescale(1 << 20, 0, 12), 1 << 8);
    CHECK_EQ_INT(hil_rounding_half_sum(1, 2), 2); /* 1.5 -> 2 */
    CHECK_EQ_INT(hil_rounding_half_sum(-1, -2), -2);
    CHECK_EQ_INT(hil_rounding_half_sum(INT32_MAX, INT32_MAX), INT32_MAX); /* no overflow */
    CHECK_EQ_INT(hil_fp_add(INT32_MAX, 1), INT32_MIN);                    /* wraps like gemmlowp's Add */
    CHECK_EQ_INT(hil_clz32(0), 32);
    CHECK_EQ_INT(hil_clz32(1), 31);
    CHECK_EQ_INT(hil_clz32(0x80000000u), 0);
    /* MultiplyByQuantizedMultiplierGreaterThanOne: (x << shift) * m / 2^31, rounded */
    CHECK_EQ_INT(hil_multiply_by_quantized_multiplier_gt_one(-3, 1 << 30, 4), -24);
    CHECK_EQ_INT(hil_multiply_by_quantized_multiplier_gt_one(5, 3 << 29, 1), 8); /* 10 * 0.75 = 7.5 -> 8 */
}

static void test_exp(void)
{
    /* exp(-1/8) is the Taylor expansion point: x = 0, so the result is the constant itself. */
    CHECK_EQ_INT(hil_exp_on_interval_between_negative_one_quarter_and_0_excl(-(1 << 28)), 1895147668);
    CHECK_EQ_INT(hil_exp_on_negative_values(0, 5), INT32_MAX); /* exp(0) = 1 */
    CHECK_EQ_INT(hil_exp_on_negative_values(0, 0), INT32_MAX);
    for (int bits = 0; bits <= 6; bits++) {
        double lowest = bits == 0 ? -1.0 : -(double)(1 << bits);
        for (int k = 1; k <= 4000; k++) {
            double a = lowest * k / 4000.0;
            int32_t raw = (int32_t)llround(a * Q(bits));
            double got = hil_exp_on_negative_values(raw, bits) / Q(0);
            check_close(got, exp(raw / Q(bits)), 5e-7, &worst_exp_error, "exp", a);
        }
    }
    /* Below -32 the Q6 version clamps to 0, as gemmlowp's does for more than 5 integer bits. */
    CHECK_EQ_INT(hil_exp_on_negative_values((int32_t)(-40.0 * Q(6)), 6), 0);
}

static void test_reciprocal(void)
{
    for (int k = 0; k < 4000; k++) {
        double x = k / 4000.0;
        int32_t raw = (int32_t)llround(x * Q(0));
        check_close(hil_one_over_one_plus_x_for_x_in_0_1(raw) / Q(0), 1.0 / (1.0 + raw / Q(0)), RECIP_BOUND,
                    &worst_recip_error, "1/(1+x)", x);
        check_close(hil_one_minus_x_over_one_plus_x_for_x_in_0_1(raw) / Q(0), (1.0 - raw / Q(0)) / (1.0 + raw / Q(0)),
                    RECIP_BOUND, &worst_recip_error, "(1-x)/(1+x)", x);
    }
    /* GetReciprocal in Q12: 3.0 -> 1/3 as 2/3 (Q0) scaled by 2^-1 (one bit over unit). */
    int bits_over;
    int32_t r = hil_get_reciprocal(3 << 19, 12, &bits_over);
    CHECK_EQ_INT(bits_over, 1);
    check_close(r / Q(0) / 2.0, 1.0 / 3.0, RECIP_BOUND, &worst_recip_error, "reciprocal", 3.0);
    r = hil_get_reciprocal(1 << 19, 12, &bits_over); /* 1.0 -> 1.0, no bits over unit */
    CHECK_EQ_INT(bits_over, 0);
    check_close(r / Q(0), 1.0, RECIP_BOUND, &worst_recip_error, "reciprocal", 1.0);
    for (int k = 1; k < 2000; k++) { /* sums in [1, 4096) as a softmax row produces them */
        double x = exp(log(4096.0) * k / 2000.0);
        int32_t raw = (int32_t)llround(x * Q(12));
        r = hil_get_reciprocal(raw, 12, &bits_over);
        check_close(ldexp(r / Q(0), -bits_over), 1.0 / (raw / Q(12)), RECIP_BOUND, &worst_recip_error, "reciprocal", x);
    }
}

static void test_logistic_tanh(void)
{
    CHECK_EQ_INT(hil_fp_logistic(0, 4), 1 << 30); /* exactly 0.5 */
    CHECK_EQ_INT(hil_fp_tanh(0, 4), 0);
    for (int k = -4000; k <= 4000; k++) {
        double a = 15.99 * k / 4000.0;
        int32_t raw = (int32_t)llround(a * Q(4));
        double x = raw / Q(4);
        int32_t s = hil_fp_logistic(raw, 4), t = hil_fp_tanh(raw, 4);
        check_close(s / Q(0), 1.0 / (1.0 + exp(-x)), 2e-7, &worst_logistic_error, "logistic", a);
        check_close(t / Q(0), tanh(x), 4e-7, &worst_tanh_error, "tanh", a);
        /* symmetry holds exactly by construction (logistic(0) is the exact 0.5 instead) */
        if (raw != 0)
            CHECK_EQ_INT((int64_t)s + hil_fp_logistic(-raw, 4), INT32_MAX);
        CHECK_EQ_INT(hil_fp_tanh(-raw, 4), -t);
    }
}

static void test_quantization_parameters(void)
{
    /* CalculateInputRadius(5, 3) = floor(31 * 2^26 / 2^3) */
    CHECK_EQ_INT(hil_input_radius(5, 3), 31 << 23);
    CHECK_EQ_INT(hil_input_radius(4, 20), (int32_t)floor(15.0 * (1 << 27) / (1 << 20)));
    int32_t m;
    int shift;
    CHECK(hil_frexp_multiplier(0.75 * 1024, &m, &shift)); /* 768 = 0.75 * 2^10 */
    CHECK_EQ_INT(m, 3 << 29);
    CHECK_EQ_INT(shift, 10);
    CHECK(!hil_frexp_multiplier(0.0, &m, &shift));
    CHECK(!hil_frexp_multiplier(0.25, &m, &shift)); /* a negative shift: refused */
}

int main(void)
{
    test_pot_helpers();
    test_exp();
    test_reciprocal();
    test_logistic_tanh();
    test_quantization_parameters();
    printf("largest errors: exp %.3g, reciprocal %.3g, logistic %.3g, tanh %.3g\n", worst_exp_error,
           worst_recip_error, worst_logistic_error, worst_tanh_error);
    TEST_MAIN_END();
}
