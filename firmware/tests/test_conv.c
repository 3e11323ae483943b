/* CONV_2D on small cases worked out by hand from TFLM's reference arithmetic
 * (reference_integer_ops::ConvPerChannel + MultiplyByQuantizedMultiplier). */
#include "hil_test.h"
#include "kernel_fixture.h"

extern const hil_kernel hil_kernel_conv_2d;

enum { SAME = 0, VALID = 1, NONE = 0, RELU6 = 3 };

/* 3x3 image 1..9 with zero point 1, so the kernel sees 0..8 after the input offset. */
static const int8_t image[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
static const int32_t image_dims[4] = {1, 3, 3, 1};

static void conv_options(kfx *f, int padding, int stride, int dilation, int activation)
{
    const int32_t opts[] = {padding, stride, stride, activation, dilation, dilation};
    kfx_options(f, opts, 6);
}

/* Per-channel weights, bias, VALID: oc0 = diagonal 2x2 (scale 0.25), oc1 = all ones (0.5). */
static void test_per_channel_valid(void)
{
    static const int8_t weights[8] = {1, 0, 0, 1, 1, 1, 1, 1};
    static const int32_t bias[2] = {1, -3};
    static const float scales[2] = {0.25f, 0.5f};
    int8_t out[8] = {0};
    kfx f;
    kfx_init(&f, &hil_kernel_conv_2d);
    kfx_tensor(&f, 0, HIL_INT8, 4, image_dims, 0.5f, 1, image, 0);
    hil_tensor *w = kfx_tensor(&f, 1, HIL_INT8, 4, (const int32_t[]){2, 2, 2, 1}, 0.25f, 0, weights, 1);
    kfx_per_channel(&f, w, scales, 2, 0);
    kfx_tensor(&f, 2, HIL_INT32, 1, (const int32_t[]){2}, 0.0f, 0, bias, 1);
    kfx_tensor(&f, 3, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 2}, 0.5f, -3, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1, 2}, 3, (const int32_t[]){3}, 1);
    conv_options(&f, VALID, 1, 1, NONE);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_OK);
    CHECK_EQ_INT(kfx_eval(&f), HIL_OK);
    /* oc0: (4, 6, 10, 12) + 1 = (5, 7, 11, 13); x0.25 is 2^30 * 2^-1 in TFLM's form, rounded
     * twice (x/2 half up, then /2 half up): (3, 4, 6, 7) -> (2, 2, 3, 4), where one rounding
     * would give (1, 2, 3, 3); -3 -> (-1, -1, 0, 1).
     * oc1: (8, 12, 20, 24) - 3 = (5, 9, 17, 21), x0.5 rounds half up -> (3, 5, 9, 11), -3 -> (0, 2, 6, 8) */
    static const int8_t expected[8] = {-1, 0, -1, 2, 0, 6, 1, 8};
    for (int i = 0; i < 8; i++)
        CHECK_EQ_INT(out[i], expected[i]);
}

/* Per-tensor weights, SAME padding, stride 2: the windows at the right and bottom edges keep
 * only the taps inside the image; bias -10 and RELU6 clamp the negative sums to 0. */
static void test_same_stride2_relu6(void)
{
    static const int8_t weights[4] = {1, 1, 1, 1};
    static const int32_t bias[1] = {-10};
    int8_t out[4] = {0};
    kfx f;
    kfx_init(&f, &hil_kernel_conv_2d);
    kfx_tensor(&f, 0, HIL_INT8, 4, image_dims, 0.5f, 1, image, 0);
    kfx_tensor(&f, 1, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 1}, 0.5f, 0, weights, 1);
    kfx_tensor(&f, 2, HIL_INT32, 1, (const int32_t[]){1}, 0.0f, 0, bias, 1);
    kfx_tensor(&f, 3, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 1}, 0.25f, 0, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1, 2}, 3, (const int32_t[]){3}, 1);
    conv_options(&f, SAME, 2, 1, RELU6);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_OK);
    CHECK_EQ_INT(kfx_eval(&f), HIL_OK);
    /* sums 0+1+3+4=8, 2+5=7, 6+7=13, 8; -10 -> (-2, -3, 3, -2); multiplier 1; RELU6 = [0, 24] */
    static const int8_t expected[4] = {0, 0, 3, 0};
    for (int i = 0; i < 4; i++)
        CHECK_EQ_INT(out[i], expected[i]);
}

/* Dilation 2, no bias: a 2x2 filter of ones touches the four corners of the image. */
static void test_dilation(void)
{
    static const int8_t weights[4] = {1, 1, 1, 1};
    int8_t out[1] = {0};
    kfx f;
    kfx_init(&f, &hil_kernel_conv_2d);
    kfx_tensor(&f, 0, HIL_INT8, 4, image_dims, 0.5f, 1, image, 0);
    kfx_tensor(&f, 1, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 1}, 0.5f, 0, weights, 1);
    kfx_tensor(&f, 3, HIL_INT8, 4, (const int32_t[]){1, 1, 1, 1}, 0.25f, 0, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1, -1}, 3, (const int32_t[]){3}, 1);
    conv_options(&f, VALID, 1, 2, NONE);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_OK);
    CHECK_EQ_INT(kfx_eval(&f), HIL_OK);
    CHECK_EQ_INT(out[0], 0 + 2 + 6 + 8);
}

/* Two groups: each output channel sees only its half of the input channels. */
static void test_groups(void)
{
    static const int8_t in[4] = {3, -2, 5, 7}; /* one pixel, four channels */
    static const int8_t weights[4] = {1, 2, 1, -1}; /* [2, 1, 1, 2] */
    int8_t out[2] = {0};
    kfx f;
    kfx_init(&f, &hil_kernel_conv_2d);
    kfx_tensor(&f, 0, HIL_INT8, 4, (const int32_t[]){1, 1, 1, 4}, 1.0f, 0, in, 0);
    kfx_tensor(&f, 1, HIL_INT8, 4, (const int32_t[]){2, 1, 1, 2}, 0.5f, 0, weights, 1);
    kfx_tensor(&f, 3, HIL_INT8, 4, (const int32_t[]){1, 1, 1, 2}, 0.5f, 0, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1}, 2, (const int32_t[]){3}, 1);
    conv_options(&f, VALID, 1, 1, NONE);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_OK);
    CHECK_EQ_INT(kfx_eval(&f), HIL_OK);
    CHECK_EQ_INT(out[0], 3 * 1 + -2 * 2); /* group 0: channels 0-1 */
    CHECK_EQ_INT(out[1], 5 * 1 + 7 * -1); /* group 1: channels 2-3 */
}

static void test_refusals(void)
{
    static const int8_t weights[4] = {1, 1, 1, 1};
    int8_t out[4];
    kfx f;
    kfx_init(&f, &hil_kernel_conv_2d);
    kfx_tensor(&f, 0, HIL_INT8, 4, image_dims, 0.5f, 1, image, 0);
    hil_tensor *w = kfx_tensor(&f, 1, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 1}, 0.5f, 0, weights, 1);
    const int64_t zero_points[1] = {3};
    w->zero_points.pos = kfx_reserve(&f, 12) + 4; /* an int64 vector: length, then the value */
    w->zero_points.len = 1;
    kfx_put32(&f, w->zero_points.pos - 4, 1);
    memcpy(f.fb + w->zero_points.pos, zero_points, 8);
    kfx_tensor(&f, 3, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 1}, 0.25f, 0, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1}, 2, (const int32_t[]){3}, 1);
    conv_options(&f, VALID, 1, 1, NONE);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_ERR_UNSUPPORTED);
    CHECK(strstr(f.msg, "CONV_2D (op #0): weights zero point must be 0") != NULL);

    kfx_init(&f, &hil_kernel_conv_2d); /* output 2x2 where VALID 2x2 over 3x3 gives 2x2: ok; 3x3 is not */
    kfx_tensor(&f, 0, HIL_INT8, 4, image_dims, 0.5f, 1, image, 0);
    kfx_tensor(&f, 1, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 1}, 0.5f, 0, weights, 1);
    kfx_tensor(&f, 3, HIL_INT8, 4, (const int32_t[]){1, 3, 3, 1}, 0.25f, 0, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1}, 2, (const int32_t[]){3}, 1);
    conv_options(&f, VALID, 1, 1, NONE);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_ERR_MODEL_INVALID);

    kfx_init(&f, &hil_kernel_conv_2d); /* stride 0 (options absent): nothing to compute */
    kfx_tensor(&f, 0, HIL_INT8, 4, image_dims, 0.5f, 1, image, 0);
    kfx_tensor(&f, 1, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 1}, 0.5f, 0, weights, 1);
    kfx_tensor(&f, 3, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 1}, 0.25f, 0, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1}, 2, (const int32_t[]){3}, 1);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_ERR_UNSUPPORTED);
}

int main(void)
{
    test_per_channel_valid();
    test_same_stride2_relu6();
    test_dilation();
    test_groups();
    test_refusals();
    TEST_MAIN_END();
}
