/* PAD on small cases: the pad value is the output zero point; int32 and int64 paddings. */
#include "hil_test.h"
#include "kernel_fixture.h"

extern const hil_kernel hil_kernel_pad;

static void test_image_style_int32(void)
{
    static const int8_t in[4] = {1, 2, 3, 4};
    static const int32_t paddings[8] = {0, 0, 1, 0, 0, 2, 0, 0}; /* one row above, two columns right */
    int8_t out[12];
    kfx f;
    kfx_init(&f, &hil_kernel_pad);
    kfx_tensor(&f, 0, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 1}, 0.1f, -5, in, 0);
    kfx_tensor(&f, 1, HIL_INT32, 2, (const int32_t[]){4, 2}, 0.0f, 0, paddings, 1);
    kfx_tensor(&f, 2, HIL_INT8, 4, (const int32_t[]){1, 3, 4, 1}, 0.1f, -5, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1}, 2, (const int32_t[]){2}, 1);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_OK);
    CHECK_EQ_INT(kfx_eval(&f), HIL_OK);
    static const int8_t expected[12] = {-5, -5, -5, -5, 1, 2, -5, -5, 3, 4, -5, -5};
    for (int i = 0; i < 12; i++)
        CHECK_EQ_INT(out[i], expected[i]);
}

static void test_channels_int64(void)
{
    static const int8_t in[2] = {7, 8};
    static const int64_t paddings[8] = {0, 0, 0, 0, 0, 0, 1, 2};
    int8_t out[5];
    kfx f;
    kfx_init(&f, &hil_kernel_pad);
    kfx_tensor(&f, 0, HIL_INT8, 4, (const int32_t[]){1, 1, 1, 2}, 0.1f, -5, in, 0);
    kfx_tensor(&f, 1, HIL_INT64, 2, (const int32_t[]){4, 2}, 0.0f, 0, paddings, 1);
    kfx_tensor(&f, 2, HIL_INT8, 4, (const int32_t[]){1, 1, 1, 5}, 0.1f, -5, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1}, 2, (const int32_t[]){2}, 1);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_OK);
    CHECK_EQ_INT(kfx_eval(&f), HIL_OK);
    static const int8_t expected[5] = {-5, 7, 8, -5, -5};
    for (int i = 0; i < 5; i++)
        CHECK_EQ_INT(out[i], expected[i]);
}

static void test_refusals(void)
{
    static const int8_t in[4] = {0};
    static const int32_t negative[8] = {0, 0, -1, 0, 0, 0, 0, 0};
    static const int32_t too_big[8] = {0, 0, 1, 1, 0, 0, 0, 0};
    int8_t out[12];
    kfx f;
    kfx_init(&f, &hil_kernel_pad);
    kfx_tensor(&f, 0, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 1}, 0.1f, 0, in, 0);
    kfx_tensor(&f, 1, HIL_INT32, 2, (const int32_t[]){4, 2}, 0.0f, 0, negative, 1);
    kfx_tensor(&f, 2, HIL_INT8, 4, (const int32_t[]){1, 1, 2, 1}, 0.1f, 0, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1}, 2, (const int32_t[]){2}, 1);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_ERR_UNSUPPORTED);
    CHECK(strstr(f.msg, "PAD (op #0): negative paddings") != NULL);

    kfx_init(&f, &hil_kernel_pad); /* output shape disagrees with the paddings */
    kfx_tensor(&f, 0, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 1}, 0.1f, 0, in, 0);
    kfx_tensor(&f, 1, HIL_INT32, 2, (const int32_t[]){4, 2}, 0.0f, 0, too_big, 1);
    kfx_tensor(&f, 2, HIL_INT8, 4, (const int32_t[]){1, 3, 2, 1}, 0.1f, 0, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1}, 2, (const int32_t[]){2}, 1);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_ERR_MODEL_INVALID);

    kfx_init(&f, &hil_kernel_pad); /* paddings computed at run time */
    kfx_tensor(&f, 0, HIL_INT8, 4, (const int32_t[]){1, 2, 2, 1}, 0.1f, 0, in, 0);
    kfx_tensor(&f, 1, HIL_INT32, 2, (const int32_t[]){4, 2}, 0.0f, 0, too_big, 0);
    kfx_tensor(&f, 2, HIL_INT8, 4, (const int32_t[]){1, 4, 2, 1}, 0.1f, 0, out, 0);
    kfx_io(&f, (const int32_t[]){0, 1}, 2, (const int32_t[]){2}, 1);
    CHECK_EQ_INT(kfx_prepare(&f), HIL_ERR_UNSUPPORTED);
}

int main(void)
{
    test_image_style_int32();
    test_channels_int64();
    test_refusals();
    TEST_MAIN_END();
}
