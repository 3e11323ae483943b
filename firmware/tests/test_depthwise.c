/* DEPTHWISE_CONV_2D on small cases worked out by hand from TFLM's reference arithmetic
 * (reference_integer_ops::DepthwiseConvPerChannel). */
#include "hil_test.h"
#include "kernel_fixture.h"

extern const hil_kernel hil_kernel_depthwise_conv_2d;

enum { SAME = 0, VALID = 1, NONE = 0, RELU = 1 };

/* 2x2 image, two channels: channel 0 = 1..4, channel 1 = -1..-4 (NHWC). */
static const int8_t image[8] = {1, -1, 2, -2, 3, -3, 4, -4};

static void dw_options(kfx *f, int padding, int stride, int multiplier, int activation)
{
    const int32_t opts[] = {padding, stride, stride, multiplier, activation, 1, 1};
    kfx_options(f, opts, 7);
}

/* Depth multiplier 2: output channel ic * 2 + m reads input channel ic. Per-channel scales
 * [1, 1, 1, 0.5] along dimension 3, bias on channel 2. */
static void test_multiplier2(int activation, const int8_t expected[4])
{
    /* [1, 2, 2, 4]: oc0 = ones, oc1 = top-left only, oc2 = ones, oc3 = 2 at bottom-right */
    static const int8_t weights[16] = {1, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 2};
    static const float scales[4] = {1.0f, 1.0f, 1.0f, 0.5f};
    static const int32_t bias[4] = {0, 0, 5, 0};
    int8_t out[4] = {0};
    kfx f;
    kfx_init(&f, &hil_kernel_depthwise_conv_2d);
    kfx_tensor(&f, 0, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 2}, 1.0f, 0, image, 0);
    hil_tensor *w = kfx_tensor(&f, 1, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 4}, 1.0f, 0, weights, 1);
    kfx_per_channel(&f, w, scales, 4, 3);
    kfx_tensor(&f, 2, HIL_INT32, 1, (const int32_t[]){4}, 0.0f, 0, bias, 1);
    kfx_tensor(&f, 3, HIL_INT8, 4, (const int32_t[]){1, 1, 1, 4}, 1.0f, 0, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1, 2}, 3, (const int32_t[]){3}, 1);
    dw_options(&f, VALID, 1, 2, activation);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_OK);
    CHECK_EQ_INT(kfx_eval(&f), HIL_OK);
    for (int i = 0; i < 4; i++)
        CHECK_EQ_INT(out[i], expected[i]);
}

/* SAME padding, stride 1, 3x3 ones over a 2x2 single-channel image with zero point -2: every
 * output sums the four inside pixels (padding contributes nothing, not the zero point). */
static void test_same_padding(void)
{
    static const int8_t in[4] = {-1, 0, 1, 2}; /* minus zero point -2: 1, 2, 3, 4 */
    static const int8_t weights[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    int8_t out[4] = {0};
    kfx f;
    kfx_init(&f, &hil_kernel_depthwise_conv_2d);
    kfx_tensor(&f, 0, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 1}, 1.0f, -2, in, 0);
    kfx_tensor(&f, 1, HIL_INT8, 4, (const int32_t[]){1, 3, 3, 1}, 1.0f, 0, weights, 1);
    kfx_tensor(&f, 3, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 1}, 1.0f, 5, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1}, 2, (const int32_t[]){3}, 1);
    dw_options(&f, SAME, 1, 1, NONE);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_OK);
    CHECK_EQ_INT(kfx_eval(&f), HIL_OK);
    for (int i = 0; i < 4; i++)
        CHECK_EQ_INT(out[i], 10 + 5);
}

static void test_refusals(void)
{
    static const int8_t weights[16] = {0};
    int8_t out[4];
    kfx f;
    kfx_init(&f, &hil_kernel_depthwise_conv_2d); /* multiplier 3 but 2 -> 4 channels */
    kfx_tensor(&f, 0, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 2}, 1.0f, 0, image, 0);
    kfx_tensor(&f, 1, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 4}, 1.0f, 0, weights, 1);
    kfx_tensor(&f, 3, HIL_INT8, 4, (const int32_t[]){1, 1, 1, 4}, 1.0f, 0, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1}, 2, (const int32_t[]){3}, 1);
    dw_options(&f, VALID, 1, 3, NONE);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_ERR_MODEL_INVALID);
    CHECK(strstr(f.msg, "DEPTHWISE_CONV_2D (op #0): depth multiplier") != NULL);

    kfx_init(&f, &hil_kernel_depthwise_conv_2d); /* int16 activations */
    kfx_tensor(&f, 0, HIL_INT16, 4, (const int32_t[]){1, 2, 2, 2}, 1.0f, 0, image, 0);
    kfx_tensor(&f, 1, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 4}, 1.0f, 0, weights, 1);
    kfx_tensor(&f, 3, HIL_INT16, 4, (const int32_t[]){1, 1, 1, 4}, 1.0f, 0, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1}, 2, (const int32_t[]){3}, 1);
    dw_options(&f, VALID, 1, 2, NONE);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_ERR_UNSUPPORTED);
}

int main(void)
{
    /* oc0 = 1+2+3+4 = 10, oc1 = 1, oc2 = -10 + 5 = -5, oc3 = 2 * -4 = -8 at scale 0.5 -> -4 */
    test_multiplier2(NONE, (const int8_t[]){10, 1, -5, -4});
    test_multiplier2(RELU, (const int8_t[]){10, 1, 0, 0});
    test_same_padding();
    test_refusals();
    TEST_MAIN_END();
}
