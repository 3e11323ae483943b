/* MEAN on small cases worked out by hand from TFLM's reference_ops::QuantizedMeanOrSum: the
 * multiplier of input_scale / output_scale absorbs 1/count, then double-rounding requantization. */
#include "hil_test.h"
#include "kernel_fixture.h"

extern const hil_kernel hil_kernel_mean;

/* Global average over H and W of a 1x2x2x2 tensor, keep_dims false, scales equal (real 1.0 is
 * 2^30 with exponent 1; count 4 folds in as <<2 then /4 and exponent -1): x/4 rounded twice. */
static void test_spatial_axes(void)
{
    static const int8_t in[8] = {5, -3, 6, -4, 9, -5, 9, -6}; /* channel 0: 5 6 9 9, channel 1: -3..-6 */
    static const int32_t axes[2] = {1, 2};
    int8_t out[2] = {0};
    kfx f;
    kfx_init(&f, &hil_kernel_mean);
    kfx_tensor(&f, 0, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 2}, 1.0f, 2, in, 0);
    kfx_tensor(&f, 1, HIL_INT32, 1, (const int32_t[]){2}, 0.0f, 0, axes, 1);
    kfx_tensor(&f, 2, HIL_INT8, 2, (const int32_t[]){1, 2}, 1.0f, 0, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1}, 2, (const int32_t[]){2}, 1);
    kfx_options(&f, (const int32_t[]){0}, 1);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_OK);
    CHECK_EQ_INT(kfx_eval(&f), HIL_OK);
    /* channel 0: 29 - 2*4 = 21 -> 10.5 -> 11 -> 5.5 -> 6 (one rounding of 5.25 would give 5)
     * channel 1: -18 - 8 = -26 -> -13 -> -6.5 rounds away from zero -> -7 */
    CHECK_EQ_INT(out[0], 6);
    CHECK_EQ_INT(out[1], -7);
}

/* A count of 3 over a negative axis with keep_dims, output scale half the input's (real 2.0 =
 * 2^30 with exponent 2; count 3 folds in as (2^30 << 1) / 3 = 715827882 with exponent 1). */
static void test_negative_axis_count3(void)
{
    static const int8_t in[6] = {1, -1, 2, -2, 2, -2}; /* [1, 3, 2]: channel 0 = 1 2 2, channel 1 = -1 -2 -2 */
    static const int32_t axis[1] = {-2};
    int8_t out[2] = {0};
    kfx f;
    kfx_init(&f, &hil_kernel_mean);
    kfx_tensor(&f, 0, HIL_INT8, 3, (const int32_t[]){1, 3, 2}, 0.5f, 0, in, 0);
    kfx_tensor(&f, 1, HIL_INT32, 1, (const int32_t[]){1}, 0.0f, 0, axis, 1);
    kfx_tensor(&f, 2, HIL_INT8, 3, (const int32_t[]){1, 1, 2}, 0.25f, 3, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1}, 2, (const int32_t[]){2}, 1);
    kfx_options(&f, (const int32_t[]){1}, 1);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_OK);
    CHECK_EQ_INT(kfx_eval(&f), HIL_OK);
    /* 5 << 1 = 10; 10 * 715827882 / 2^31 = 3.33 -> 3; +3 = 6.  -10 -> -3.33 -> -3; +3 = 0 */
    CHECK_EQ_INT(out[0], 6);
    CHECK_EQ_INT(out[1], 0);
}

static void test_refusals(void)
{
    static const int8_t in[8] = {0};
    static const int32_t bad_axis[1] = {4};
    static const int64_t axes64[1] = {1};
    int8_t out[8];
    kfx f;
    kfx_init(&f, &hil_kernel_mean);
    kfx_tensor(&f, 0, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 2}, 1.0f, 0, in, 0);
    kfx_tensor(&f, 1, HIL_INT32, 1, (const int32_t[]){1}, 0.0f, 0, bad_axis, 1);
    kfx_tensor(&f, 2, HIL_INT8, 3, (const int32_t[]){1, 2, 2}, 1.0f, 0, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1}, 2, (const int32_t[]){2}, 1);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_ERR_MODEL_INVALID);

    kfx_init(&f, &hil_kernel_mean); /* TFLM takes int32 axes only */
    kfx_tensor(&f, 0, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 2}, 1.0f, 0, in, 0);
    kfx_tensor(&f, 1, HIL_INT64, 1, (const int32_t[]){1}, 0.0f, 0, axes64, 1);
    kfx_tensor(&f, 2, HIL_INT8, 3, (const int32_t[]){1, 2, 2}, 1.0f, 0, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1}, 2, (const int32_t[]){2}, 1);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_ERR_UNSUPPORTED);
    CHECK(strstr(f.msg, "MEAN (op #0): axis must be a constant int32 tensor") != NULL);
}

int main(void)
{
    test_spatial_axes();
    test_negative_axis_count3();
    test_refusals();
    TEST_MAIN_END();
}
