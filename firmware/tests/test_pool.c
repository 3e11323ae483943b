/* AVERAGE_POOL_2D and MAX_POOL_2D on small cases worked out by hand from TFLM's
 * reference_integer_ops::AveragePool / MaxPool. */
#include "hil_test.h"
#include "kernel_fixture.h"

extern const hil_kernel hil_kernel_average_pool_2d;
extern const hil_kernel hil_kernel_max_pool_2d;

enum { SAME = 0, VALID = 1, NONE = 0, RELU6 = 3 };

static void pool(const hil_kernel *kernel, const int8_t in[6], int activation, float out_scale, int8_t out[2])
{
    kfx f;
    kfx_init(&f, kernel);
    kfx_tensor(&f, 0, HIL_INT8, 4, (const int32_t[]){1, 2, 3, 1}, 1.0f, 0, in, 0);
    kfx_tensor(&f, 1, HIL_INT8, 4, (const int32_t[]){1, 1, 2, 1}, out_scale, 0, out, 0);
    kfx_io(&f, (const int32_t[]){0}, 1, (const int32_t[]){1}, 1);
    /* 2x2 filter, stride 2, SAME over 2x3: windows cols 0-1 (4 taps) and col 2 (2 taps inside) */
    const int32_t opts[] = {SAME, 2, 2, 2, 2, activation};
    kfx_options(&f, opts, 6);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_OK);
    CHECK_EQ_INT(kfx_eval(&f), HIL_OK);
}

static void test_average(void)
{
    int8_t out[2];
    /* -6 / 4 = -1.5 rounds away from zero to -2; -15 / 2 = -7.5 to -8 (the count is 2: the
     * padded column does not count) */
    pool(&hil_kernel_average_pool_2d, (const int8_t[]){-3, -2, -7, 1, -2, -8}, NONE, 1.0f, out);
    CHECK_EQ_INT(out[0], -2);
    CHECK_EQ_INT(out[1], -8);
    /* 8 / 4 = 2; 15 / 2 = 7.5 -> 8, clamped by RELU6 (scale 1) to 6 */
    pool(&hil_kernel_average_pool_2d, (const int8_t[]){3, 2, 7, 1, 2, 8}, RELU6, 1.0f, out);
    CHECK_EQ_INT(out[0], 2);
    CHECK_EQ_INT(out[1], 6);
}

static void test_max(void)
{
    int8_t out[2];
    /* the all-negative edge window gives -7: padding never takes part */
    pool(&hil_kernel_max_pool_2d, (const int8_t[]){-3, -2, -7, 1, -2, -8}, NONE, 1.0f, out);
    CHECK_EQ_INT(out[0], 1);
    CHECK_EQ_INT(out[1], -7);
    pool(&hil_kernel_max_pool_2d, (const int8_t[]){3, 2, 7, 1, 2, 8}, RELU6, 1.0f, out);
    CHECK_EQ_INT(out[0], 3);
    CHECK_EQ_INT(out[1], 6);
}

static void test_refuses_requantization(void)
{
    static const int8_t in[6] = {0};
    int8_t out[2];
    kfx f;
    kfx_init(&f, &hil_kernel_average_pool_2d);
    kfx_tensor(&f, 0, HIL_INT8, 4, (const int32_t[]){1, 2, 3, 1}, 1.0f, 0, in, 0);
    kfx_tensor(&f, 1, HIL_INT8, 4, (const int32_t[]){1, 1, 2, 1}, 0.5f, 0, out, 0);
    kfx_io(&f, (const int32_t[]){0}, 1, (const int32_t[]){1}, 1);
    const int32_t opts[] = {SAME, 2, 2, 2, 2, NONE};
    kfx_options(&f, opts, 6);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_ERR_UNSUPPORTED);
    CHECK(strstr(f.msg, "AVERAGE_POOL_2D (op #0): input and output quantization must be equal") != NULL);
}

int main(void)
{
    test_average();
    test_max();
    test_refuses_requantization();
    TEST_MAIN_END();
}
