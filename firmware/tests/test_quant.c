/* Fixed-point helpers against values worked out from TFLM's definitions. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "hil_protocol.h"
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

static void test_quantize_multiplier_flushes_below_two_to_the_minus_31(void)
{
    int32_t m;
    int s;
    hil_quantize_multiplier(ldexp(1.0, -32), &m, &s); /* frexp: 0.5 * 2^-31, the smallest kept */
    CHECK_EQ_INT(m, 1 << 30);
    CHECK_EQ_INT(s, -31);
    hil_quantize_multiplier(ldexp(1.0, -33), &m, &s); /* 0.5 * 2^-32: flushed, as TFLM */
    CHECK_EQ_INT(m, 0);
    CHECK_EQ_INT(s, 0);
}

static hil_tensor output_tensor(uint8_t type, float scale, int32_t zero_point)
{
    hil_tensor t;
    memset(&t, 0, sizeof t);
    t.type = type;
    t.scale = scale;
    t.zero_point = zero_point;
    return t;
}

static void check_range(const hil_tensor *out, int activation, int32_t want_min, int32_t want_max)
{
    int32_t lo, hi;
    hil_activation_range(out, activation, &lo, &hi);
    CHECK_EQ_INT(lo, want_min);
    CHECK_EQ_INT(hi, want_max);
}

static void test_activation_range_int8(void)
{
    hil_tensor out = output_tensor(HIL_INT8, 0.1f, -128);
    check_range(&out, HIL_ACT_NONE, -128, 127);
    check_range(&out, HIL_ACT_RELU, -128, 127);
    check_range(&out, HIL_ACT_RELU6, -128, -68); /* 6 / 0.1 = 60 steps above the zero point */
    out = output_tensor(HIL_INT8, 0.05f, 10);
    check_range(&out, HIL_ACT_RELU, 10, 127);
    check_range(&out, HIL_ACT_RELU_N1_TO_1, -10, 30);
    check_range(&out, HIL_ACT_RELU6, 10, 127); /* 6 / 0.05 = 120 above 10: clamped to int8 */
}

static void test_activation_bounds_round_to_nearest(void)
{
    /* Scales exact in binary, so the quotients are exact: 1 / 0.375 = 2.67 and 6 / 0.4375 =
     * 13.7 round to 3 and 14 (TFLM's Quantize uses round, not truncation). */
    hil_tensor out = output_tensor(HIL_INT8, 0.375f, 0);
    check_range(&out, HIL_ACT_RELU_N1_TO_1, -3, 3);
    out = output_tensor(HIL_INT8, 0.4375f, 0);
    check_range(&out, HIL_ACT_RELU6, 0, 14);
}

static void test_activation_range_int16_uses_the_int16_limits(void)
{
    hil_tensor out = output_tensor(HIL_INT16, 1.0f / 4096.0f, 0);
    check_range(&out, HIL_ACT_NONE, -32768, 32767);
    check_range(&out, HIL_ACT_RELU, 0, 32767);
    check_range(&out, HIL_ACT_RELU_N1_TO_1, -4096, 4096);
    check_range(&out, HIL_ACT_RELU6, 0, 24576);
}

/* Per-channel filter scales must come one per output channel (or a single one). */
static int prepare_with_scales(uint32_t n_scales, uint32_t channels, char *msg, size_t msg_cap)
{
    static uint8_t arena[1024];
    uint8_t model[4 * 8];
    for (uint32_t i = 0; i < 8; i++) { /* every scale 0.5 */
        float half = 0.5f;
        memcpy(model + 4 * i, &half, 4);
    }
    hil_graph g;
    memset(&g, 0, sizeof g);
    hil_fb_init(&g.fb, model, sizeof model);
    g.arena = arena;
    g.arena_size = g.persistent_start = sizeof arena;
    g.msg = msg;
    g.msg_cap = msg_cap;
    msg[0] = '\0';
    hil_node node;
    memset(&node, 0, sizeof node);
    hil_tensor input = output_tensor(HIL_INT8, 0.5f, 0), output = output_tensor(HIL_INT8, 0.25f, 0);
    hil_tensor filter = output_tensor(HIL_INT8, 0.5f, 0);
    filter.scales.pos = 0;
    filter.scales.len = n_scales;
    hil_requant rq;
    return hil_requant_prepare(&g, &node, &input, &filter, &output, channels, &rq);
}

static void test_requant_prepare_refuses_a_scale_count_other_than_the_channels(void)
{
    char msg[128];
    CHECK_EQ_INT(prepare_with_scales(1, 3, msg, sizeof msg), HIL_OK);
    CHECK_EQ_INT(prepare_with_scales(3, 3, msg, sizeof msg), HIL_OK);
    CHECK_EQ_INT(prepare_with_scales(2, 3, msg, sizeof msg), HIL_ERR_UNSUPPORTED);
    CHECK(strstr(msg, "filter scales do not match the output channels") != NULL);
    CHECK_EQ_INT(prepare_with_scales(4, 3, msg, sizeof msg), HIL_ERR_UNSUPPORTED);
}

int main(void)
{
    test_rounding_doubling_high_mul();
    test_rounding_divide_by_pot();
    test_quantize_multiplier();
    test_quantize_multiplier_carries_a_mantissa_that_rounds_up_to_one();
    test_multiply_by_quantized_multiplier();
    test_quantize_multiplier_flushes_below_two_to_the_minus_31();
    test_activation_range_int8();
    test_activation_bounds_round_to_nearest();
    test_activation_range_int16_uses_the_int16_limits();
    test_requant_prepare_refuses_a_scale_count_other_than_the_channels();
    TEST_MAIN_END();
}
