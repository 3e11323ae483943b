/* The int16 SOFTMAX tables (kernels/softmax_i16_lut.c) against TFLM's LUTPopulate<int16_t>
 * recomputed here in float from its definition, with this host's expf: the same libm as the
 * host TFLM the tests compare with, so the committed tables are the ones TFLM builds in its
 * prepare. The firmware keeps them in flash instead of computing them in the arena with the
 * target's expf (newlib's, a few ULP from glibc's, which could move a rounding).
 * `test_softmax_i16_lut --print` writes the tables as C (how softmax_i16_lut.c was made). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "hil_test.h"
#include "kernels/softmax_i16.h"

#define RANGE 65535 /* int16 max - int16 min */

static float exp_fn(float x) { return expf(x); }
static float one_over_one_plus_x(float x) { return 1.0f / (1.0f + x); }

static float clamp_table(float v) { return fminf(fmaxf(v, -32768.0f), 32767.0f); }

/* LUTPopulateInt16<float>: 512 samples of f over the int16 input range, each biased by half the
 * error the linear interpolation makes at the interval's midpoint, and the end point. */
static void populate(float input_scale, int32_t input_zero_point, float output_scale, int32_t output_zero_point,
                     float (*f)(float), int16_t *lut)
{
    const float input_min = input_scale * (float)(INT16_MIN - input_zero_point);
    const float input_max = input_scale * (float)(INT16_MAX - input_zero_point);
    const float output_min = output_scale * (float)(INT16_MIN - output_zero_point);
    const float output_max = output_scale * (float)(INT16_MAX - output_zero_point);
    const float step = (input_max - input_min) / 512;
    const float half_step = step / 2;
    const float inv = 65536.0f / (output_max - output_min);
    for (int i = 0; i < 512; i++) {
        float val = f(input_min + (float)i * step);
        float midpoint = f(input_min + (float)i * step + half_step);
        float next = f(input_min + (float)(i + 1) * step);
        float sample = roundf(val * inv);
        float midpoint_interp = roundf((next * inv + roundf(val * inv)) / 2);
        float bias = roundf((midpoint_interp - roundf(midpoint * inv)) / 2);
        lut[i] = (int16_t)clamp_table(sample - bias);
    }
    lut[512] = (int16_t)clamp_table(roundf(f(input_max) * inv));
}

static void print_table(const char *name, const int16_t *lut)
{
    printf("const int16_t %s[HIL_SOFTMAX_I16_LUT_SIZE] = {\n", name);
    for (int i = 0; i < HIL_SOFTMAX_I16_LUT_SIZE; i++)
        printf("%s%d,%s", i % 12 == 0 ? "    " : " ", lut[i], i % 12 == 11 || i == 512 ? "\n" : "");
    printf("};\n");
}

int main(int argc, char **argv)
{
    int16_t exp_lut[HIL_SOFTMAX_I16_LUT_SIZE], recip_lut[HIL_SOFTMAX_I16_LUT_SIZE];
    populate(10.0f / RANGE, INT16_MAX, 2.0f / RANGE, 0, exp_fn, exp_lut);
    populate(1.0f / RANGE, INT16_MIN, 2.0f / RANGE, 0, one_over_one_plus_x, recip_lut);
    if (argc > 1 && strcmp(argv[1], "--print") == 0) {
        print_table("hil_softmax_i16_exp_lut", exp_lut);
        print_table("hil_softmax_i16_recip_lut", recip_lut);
        return 0;
    }
    for (int i = 0; i < HIL_SOFTMAX_I16_LUT_SIZE; i++) {
        CHECK_EQ_INT(hil_softmax_i16_exp_lut[i], exp_lut[i]);
        CHECK_EQ_INT(hil_softmax_i16_recip_lut[i], recip_lut[i]);
    }
    /* the ends: exp(-10) and exp(0) = 1 (saturated at 32767), 1 / (1 + 0) and 1 / (1 + 1) */
    CHECK_EQ_INT(hil_softmax_i16_exp_lut[512], 32767);
    CHECK_EQ_INT(hil_softmax_i16_recip_lut[0], 32767);
    CHECK_EQ_INT(hil_softmax_i16_recip_lut[512], 16384);
    TEST_MAIN_END();
}
