/* The single-multiply requantization of the optimized kernels (hil_requant_r1) against TFLM's
 * two-step form (hil_multiply_by_quantized_multiplier): every right shift 1..31, multipliers
 * at the ends of their range and random ones, accumulators at the int32 extremes, around the
 * rounding ties and random. Also the SIMD emulation against plain arithmetic. */
#include <stdlib.h>

#include "hil_test.h"
#include "quant.h"
#include "simd.h"

static long checks;

static void check_one(int32_t acc, int32_t m, int shift)
{
    uint32_t lo;
    int32_t hi, e1;
    hil_requant_r1_consts(shift, &lo, &hi, &e1);
    int32_t want = hil_multiply_by_quantized_multiplier(acc, m, shift);
    int32_t got = hil_requant_r1(acc, m, lo, hi, e1);
    checks++;
    if (got != want) {
        fprintf(stderr, "acc %d m %d shift %d: r1 %d, reference %d\n", acc, m, shift, got, want);
        hil_test_failures++;
    }
}

static void test_requant_r1(void)
{
    static const int32_t fixed_m[] = {0, 1 << 30, (1 << 30) + 1, 0x5A827999, INT32_MAX - 1, INT32_MAX};
    static const int32_t fixed_acc[] = {0, 1, -1, 2, -2, 3, -3, INT32_MAX, INT32_MIN, INT32_MAX - 1, INT32_MIN + 1,
                                        1 << 20, -(1 << 20), 12345, -12345};
    for (int shift = -31; shift <= -1; shift++) {
        for (unsigned i = 0; i < sizeof fixed_m / sizeof fixed_m[0]; i++) {
            for (unsigned j = 0; j < sizeof fixed_acc / sizeof fixed_acc[0]; j++)
                check_one(fixed_acc[j], fixed_m[i], shift);
            for (int k = 0; k < 2000; k++) /* small accumulators: every rounding case near zero */
                check_one((int32_t)(rnd() % 4001u) - 2000, fixed_m[i], shift);
        }
        for (int k = 0; k < 100000; k++) {
            int32_t m = (int32_t)((1u << 30) | (rnd() & 0x3FFFFFFFu));
            int32_t acc = (int32_t)rnd();
            int bits = (int)(rnd() % 32u); /* accumulators of every magnitude */
            acc = bits == 31 ? acc : (int32_t)((uint32_t)acc >> (31 - bits)) * ((rnd() & 1u) ? 1 : -1);
            check_one(acc, m, shift);
        }
    }
    /* Exact ties of the second rounding: x = k * 2^e +- 2^(e-1), for x from small accumulators
     * and m = 2^30 (so x = acc / 2 rounded half up). */
    for (int shift = -8; shift <= -1; shift++)
        for (int32_t acc = -4096; acc <= 4096; acc++)
            check_one(acc, 1 << 30, shift);
}

static void test_simd_emulation(void)
{
    for (int k = 0; k < 100000; k++) {
        uint32_t x = rnd(), y = rnd(), a = rnd();
        int32_t acc = (int32_t)rnd();
        int8_t b0 = (int8_t)x, b1 = (int8_t)(x >> 8), b2 = (int8_t)(x >> 16), b3 = (int8_t)(x >> 24);
        uint32_t e = hil_sxtb16(x), o = hil_sxtb16_ror8(x);
        CHECK((int16_t)e == b0 && (int16_t)(e >> 16) == b2);
        CHECK((int16_t)o == b1 && (int16_t)(o >> 16) == b3);
        uint32_t ea = hil_sxtab16(a, x);
        CHECK((int16_t)ea == (int16_t)((int16_t)a + b0) && (int16_t)(ea >> 16) == (int16_t)((int16_t)(a >> 16) + b2));
        int64_t sum = (int64_t)acc + (int16_t)x * (int16_t)y + (int16_t)(x >> 16) * (int16_t)(y >> 16);
        CHECK(hil_smlad(x, y, acc) == (int32_t)(uint32_t)(uint64_t)sum);
        CHECK(hil_smlabb(x, y, acc) == (int32_t)(uint32_t)((uint64_t)(int64_t)acc + (uint64_t)(int64_t)((int16_t)x * (int16_t)y)));
        CHECK(hil_smlatt(x, y, acc) ==
              (int32_t)(uint32_t)((uint64_t)(int64_t)acc + (uint64_t)(int64_t)((int16_t)(x >> 16) * (int16_t)(y >> 16))));
        int32_t v = (int32_t)rnd() >> (rnd() % 32u);
        CHECK(hil_ssat8(v) == (v < -128 ? -128 : v > 127 ? 127 : v));
    }
    int8_t bytes[3] = {-1, 2, -3};
    CHECK(hil_read_s8_tail(bytes, 3, 0x80) == 0x80FD02FFu);
    CHECK(hil_read_s8_tail(bytes, 1, 0) == 0x000000FFu);
}

int main(void)
{
    hil_test_rng = 0x9E3779B97F4A7C15ull;
    test_requant_r1();
    test_simd_emulation();
    fprintf(stderr, "%ld requantizations compared\n", checks);
    TEST_MAIN_END();
}
