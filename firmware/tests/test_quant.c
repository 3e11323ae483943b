/* Fixed-point helpers against values worked out from TFLM's definitions. */
#include <stdint.h>

#include "hil_test.h"
#include "quant.h"

static void test_rounding_doubling_high_mul(void)
{
    CHECK_EQ_INT(hil_sat_rounding_doubling_high_mul(INT32_MIN, INT32_MIN), INT32_MAX);
    CHECK_EQ_INT(hil_sat_rounding_doubling_high_mul(1 << 30, 1 << 30), 1 << 29);
    /* (-3 * 2^30) * 2 / 2^32 = -1.5: (ab + 1 - 2^30) / 2^31 truncates to -1 (half rounds up) */
    CHECK_EQ_INT(hil_sat_rounding_doubling_high_mul(-3, 1 << 30), -1);
    CHECK_EQ_INT(hil_sat_rounding_doubling_high_mul(3, 1 << 30), 2);
}

static void test_rounding_divide_by_pot(void)
{
    CHECK_EQ_INT(hil_rounding_divide_by_pot(5, 1), 3);   /* 2.5 rounds up */
    CHECK_EQ_INT(hil_rounding_divide_by_pot(-5, 1), -3); /* -2.5 rounds away from zero */
    CHECK_EQ_INT(hil_rounding_divide_by_pot(7, 2), 2);   /* 1.75 */
    CHECK_EQ_INT(hil_rounding_divide_by_pot(-7, 2), -2);
    CHECK_EQ_INT(hil_rounding_divide_by_pot(6, 2), 2);   /* 1.5 */
    CHECK_EQ_INT(hil_rounding_divide_by_pot(-6, 2), -2); /* -1.5 */
}

static void test_quantize_multiplier(void)
{
    int32_t m;
    int s;
    hil_quantize_multiplier(0.5, &m, &s);
    CHECK_EQ_INT(m, 1 << 30);
    CHECK_EQ_INT(s, 0);
    hil_quantize_multiplier(0.25, &m, &s);
    CHECK_EQ_INT(m, 1 << 30);
    CHECK_EQ_INT(s, -1);
    hil_quantize_multiplier(3.0, &m, &s);
    CHECK_EQ_INT(m, 3 << 29);
    CHECK_EQ_INT(s, 2);
    hil_quantize_multiplier(0.0, &m, &s);
    CHECK_EQ_INT(m, 0);
    hil_quantize_multiplier(1e-12, &m, &s); /* below 2^-31: flushed to zero */
    CHECK_EQ_INT(m, 0);
    CHECK_EQ_INT(s, 0);
}

static void test_quantize_multiplier_carries_a_mantissa_that_rounds_up_to_one(void)
{
    int32_t m;
    int s;
    /* frexp gives 1 - 2^-34 (times 2^0); times 2^31 that rounds to 2^31, which does not fit:
     * the mantissa becomes 2^30 and the exponent grows by one, as TFLM's QuantizeMultiplier. */
    hil_quantize_multiplier(1.0 - 1.0 / 17179869184.0, &m, &s);
    CHECK_EQ_INT(m, 1 << 30);
    CHECK_EQ_INT(s, 1);
    hil_quantize_multiplier(0.5 - 1.0 / 34359738368.0, &m, &s); /* the same one exponent lower */
    CHECK_EQ_INT(m, 1 << 30);
    CHECK_EQ_INT(s, 0);
    CHECK_EQ_INT(hil_multiply_by_quantized_multiplier(1000, m, s), 500);
}

static void test_multiply_by_quantized_multiplier(void)
{
    int32_t m;
    int s;
    hil_quantize_multiplier(0.5, &m, &s);
    CHECK_EQ_INT(hil_multiply_by_quantized_multiplier(101, m, s), 51); /* 50.5 rounds up */
    CHECK_EQ_INT(hil_multiply_by_quantized_multiplier(-101, m, s), -50); /* -50.5, see above */
    hil_quantize_multiplier(3.0, &m, &s);
    CHECK_EQ_INT(hil_multiply_by_quantized_multiplier(7, m, s), 21);
}

int main(void)
{
    test_rounding_doubling_high_mul();
    test_rounding_divide_by_pot();
    test_quantize_multiplier();
    test_quantize_multiplier_carries_a_mantissa_that_rounds_up_to_one();
    test_multiply_by_quantized_multiplier();
    TEST_MAIN_END();
}
