/* float16 -> float32 (dequantize_f16.c) for every one of the 65536 half bit patterns, against
 * the value the IEEE 754 binary16 encoding defines: (-1)^s * 2^(e - 15) * (1 + m / 1024) for
 * normal numbers, (-1)^s * 2^-14 * (m / 1024) for subnormals, infinities and NaNs. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernels/common_f32.h"
#include "hil_test.h"

static float decode(uint16_t h)
{
    int sign = h >> 15, e = (h >> 10) & 0x1F, m = h & 0x3FF;
    float magnitude;
    if (e == 0x1F)
        magnitude = m ? NAN : INFINITY;
    else if (e == 0)
        magnitude = ldexpf((float)m, -24);
    else
        magnitude = ldexpf((float)(1024 + m), e - 25);
    return sign ? -magnitude : magnitude;
}

int main(void)
{
    int checked = 0;
    for (uint32_t h = 0; h <= 0xFFFFu; h++) {
        float got = hil_f16_to_f32((uint16_t)h), want = decode((uint16_t)h);
        if (isnan(want)) {
            CHECK(isnan(got));
            uint32_t bits;
            memcpy(&bits, &got, sizeof bits);
            CHECK_EQ_INT(bits & 0x7FFFFFu, (h & 0x3FFu) << 13); /* the NaN payload is kept */
        } else {
            CHECK(got == want && signbit(got) == signbit(want));
        }
        checked++;
    }
    CHECK_EQ_INT(checked, 65536);
    CHECK(hil_f16_to_f32(0x3C00u) == 1.0f);
    CHECK(hil_f16_to_f32(0x0001u) == ldexpf(1.0f, -24)); /* smallest subnormal */
    CHECK(hil_f16_to_f32(0x7BFFu) == 65504.0f);          /* largest normal */
    TEST_MAIN_END();
}
