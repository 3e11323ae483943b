/* SIMD building blocks of the optimized int8 kernels (Armv7E-M DSP extension: Cortex-M4, M7,
 * M33, M55), with a portable C emulation of each instruction so the host-native build runs the
 * same optimized algorithm under ASan/UBSan and can be compared bit for bit with the reference
 * kernels.
 *
 * Which kernels a build uses is decided at compile time:
 *   HIL_OPT_KERNELS 1  optimized paths (real DSP instructions on Arm, emulated on the host)
 *   HIL_OPT_KERNELS 0  reference kernels only: cores without the DSP extension (Cortex-M0/M3),
 *                      or any build with -DHIL_REFERENCE_KERNELS (tests compare both builds).
 * Packed words are uint32_t; "lo"/"hi" are the bottom and top 16-bit halves. */
#ifndef HIL_SIMD_H
#define HIL_SIMD_H
#include <stdint.h>
#include <string.h>

#if defined(HIL_REFERENCE_KERNELS)
#define HIL_OPT_KERNELS 0
#elif defined(__arm__) && !defined(__ARM_FEATURE_DSP)
#define HIL_OPT_KERNELS 0
#else
#define HIL_OPT_KERNELS 1
#endif

/* Helium (mve.h): the *_mve.c paths on cores with MVE, or emulated on the host with
 * -DHIL_MVE_EMULATION; they take precedence over the DSP paths where both apply. */
#if defined(HIL_REFERENCE_KERNELS)
#define HIL_MVE_KERNELS 0
#elif defined(__ARM_FEATURE_MVE)
#define HIL_MVE_KERNELS 1
#elif !defined(__arm__) && defined(HIL_MVE_EMULATION)
#define HIL_MVE_KERNELS 1
#else
#define HIL_MVE_KERNELS 0
#endif

#if defined(__arm__) && defined(__ARM_FEATURE_DSP)
#define HIL_SIMD_NATIVE 1
#include <arm_acle.h>
#else
#define HIL_SIMD_NATIVE 0
#endif

#define HIL_INLINE static inline __attribute__((always_inline))

/* Runtime switch for tests: 0 makes prepare choose the reference path of every kernel that has
 * an optimized one (set before loading a model). Defined in kernels/gemm_dsp.c. */
extern int hil_opt_enabled;

/* Four int8 values from any address (the optimized kernels read weights in place from the
 * model, which need not be word aligned; Armv7-M LDR accepts unaligned addresses). */
HIL_INLINE uint32_t hil_read_s8x4(const int8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* The first n (0..3) int8 values at p in the low bytes, `fill` in the others: a short tail
 * read without touching memory past p + n. */
HIL_INLINE uint32_t hil_read_s8_tail(const int8_t *p, int n, uint8_t fill)
{
    uint32_t v = 0x01010101u * fill;
    for (int i = 0; i < n; i++)
        v = (v & ~(0xFFu << (8 * i))) | ((uint32_t)(uint8_t)p[i] << (8 * i));
    return v;
}

#if HIL_SIMD_NATIVE
/* Each helper is one instruction in a volatile asm statement: the compiler emits them in the
 * order the kernel writes them. The inner loops are written in an order whose live values fit
 * the 14 allocatable registers (GCC's own scheduling hoists loads and spills accumulators). */

/* [b0, b2] sign-extended to 16 bits each. */
HIL_INLINE uint32_t hil_sxtb16(uint32_t x)
{
    uint32_t r;
    __asm__ volatile("sxtb16 %0, %1" : "=r"(r) : "r"(x));
    return r;
}

/* [b1, b3] sign-extended (SXTB16 with the operand rotated by 8). */
HIL_INLINE uint32_t hil_sxtb16_ror8(uint32_t x)
{
    uint32_t r;
    __asm__ volatile("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}

/* a + [b0, b2], halfword by halfword (the input offset folded into the extension). */
HIL_INLINE uint32_t hil_sxtab16(uint32_t a, uint32_t x)
{
    uint32_t r;
    __asm__ volatile("sxtab16 %0, %1, %2" : "=r"(r) : "r"(a), "r"(x));
    return r;
}

/* a + [b1, b3]. */
HIL_INLINE uint32_t hil_sxtab16_ror8(uint32_t a, uint32_t x)
{
    uint32_t r;
    __asm__ volatile("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(x));
    return r;
}

/* acc + x.lo * y.lo + x.hi * y.hi (two 16x16 multiplies, one instruction). */
HIL_INLINE int32_t hil_smlad(uint32_t x, uint32_t y, int32_t acc)
{
    __asm__ volatile("smlad %0, %1, %2, %0" : "+r"(acc) : "r"(x), "r"(y));
    return acc;
}

/* acc + x.lo * y.lo, acc + x.hi * y.hi. */
HIL_INLINE int32_t hil_smlabb(uint32_t x, uint32_t y, int32_t acc)
{
    __asm__ volatile("smlabb %0, %1, %2, %0" : "+r"(acc) : "r"(x), "r"(y));
    return acc;
}

HIL_INLINE int32_t hil_smlatt(uint32_t x, uint32_t y, int32_t acc)
{
    __asm__ volatile("smlatt %0, %1, %2, %0" : "+r"(acc) : "r"(x), "r"(y));
    return acc;
}

/* The word at *p (any alignment), then *p += 4. */
HIL_INLINE uint32_t hil_ld_s8x4_ia(const int8_t **p)
{
    uint32_t r;
    __asm__ volatile("ldr %0, [%1], #4" : "=r"(r), "+r"(*p) : "m"(*(const uint32_t *)(const void *)*p));
    return r;
}

/* The word at p + offset bytes (any alignment). */
HIL_INLINE uint32_t hil_ld_s8x4_at(const int8_t *p, int32_t offset)
{
    uint32_t r;
    __asm__ volatile("ldr %0, [%1, %2]" : "=r"(r) : "r"(p), "r"(offset), "m"(*(const uint32_t *)(const void *)(p + offset)));
    return r;
}

/* v saturated to [-128, 127]. */
HIL_INLINE int32_t hil_ssat8(int32_t v) { return __ssat(v, 8); }

/* Two words at *p (4-byte aligned), then *p += 2. */
HIL_INLINE void hil_ld_2x32_ia(const uint32_t **p, uint32_t *a, uint32_t *b)
{
    __asm__ volatile("ldrd %0, %1, [%2], #8" : "=r"(*a), "=r"(*b), "+r"(*p) : "m"(*(const uint64_t *)(const void *)*p));
}

/* [a.lo, b.lo]: PKHBT with b shifted left by 16 (16x8 column packing). */
HIL_INLINE uint32_t hil_pkhbt16(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__ volatile("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/* [a.hi, b.hi]: PKHTB with a shifted right by 16. */
HIL_INLINE uint32_t hil_pkhtb16(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__ volatile("pkhtb %0, %1, %2, asr #16" : "=r"(r) : "r"(b), "r"(a));
    return r;
}

/* acc + x.hi * y.lo and acc + x.lo * y.hi. */
HIL_INLINE int32_t hil_smlatb(uint32_t x, uint32_t y, int32_t acc)
{
    __asm__ volatile("smlatb %0, %1, %2, %0" : "+r"(acc) : "r"(x), "r"(y));
    return acc;
}

HIL_INLINE int32_t hil_smlabt(uint32_t x, uint32_t y, int32_t acc)
{
    __asm__ volatile("smlabt %0, %1, %2, %0" : "+r"(acc) : "r"(x), "r"(y));
    return acc;
}

#else /* portable emulation: the same results, modulo-2^32 accumulation as on the core */

HIL_INLINE int32_t hil_lo16(uint32_t x) { return (int16_t)(x & 0xFFFFu); }
HIL_INLINE int32_t hil_hi16(uint32_t x) { return (int16_t)(x >> 16); }
HIL_INLINE uint32_t hil_pack16(int32_t lo, int32_t hi) { return ((uint32_t)lo & 0xFFFFu) | ((uint32_t)hi << 16); }

HIL_INLINE uint32_t hil_sxtb16(uint32_t x) { return hil_pack16((int8_t)(x & 0xFFu), (int8_t)((x >> 16) & 0xFFu)); }
HIL_INLINE uint32_t hil_sxtb16_ror8(uint32_t x) { return hil_sxtb16((x >> 8) | (x << 24)); }

HIL_INLINE uint32_t hil_sxtab16(uint32_t a, uint32_t x)
{
    uint32_t e = hil_sxtb16(x);
    return hil_pack16(hil_lo16(a) + hil_lo16(e), hil_hi16(a) + hil_hi16(e));
}

HIL_INLINE uint32_t hil_sxtab16_ror8(uint32_t a, uint32_t x) { return hil_sxtab16(a, (x >> 8) | (x << 24)); }

HIL_INLINE int32_t hil_smlad(uint32_t x, uint32_t y, int32_t acc)
{
    int32_t p = hil_lo16(x) * hil_lo16(y) + hil_hi16(x) * hil_hi16(y); /* |p| <= 2^31 - 2^16 */
    return (int32_t)((uint32_t)acc + (uint32_t)p);
}

HIL_INLINE int32_t hil_smlabb(uint32_t x, uint32_t y, int32_t acc)
{
    return (int32_t)((uint32_t)acc + (uint32_t)(hil_lo16(x) * hil_lo16(y)));
}

HIL_INLINE int32_t hil_smlatt(uint32_t x, uint32_t y, int32_t acc)
{
    return (int32_t)((uint32_t)acc + (uint32_t)(hil_hi16(x) * hil_hi16(y)));
}

HIL_INLINE uint32_t hil_ld_s8x4_ia(const int8_t **p)
{
    uint32_t r = hil_read_s8x4(*p);
    *p += 4;
    return r;
}

HIL_INLINE uint32_t hil_ld_s8x4_at(const int8_t *p, int32_t offset) { return hil_read_s8x4(p + offset); }

HIL_INLINE int32_t hil_ssat8(int32_t v) { return v < -128 ? -128 : (v > 127 ? 127 : v); }

HIL_INLINE void hil_ld_2x32_ia(const uint32_t **p, uint32_t *a, uint32_t *b)
{
    *a = (*p)[0];
    *b = (*p)[1];
    *p += 2;
}


HIL_INLINE uint32_t hil_pkhbt16(uint32_t a, uint32_t b) { return (a & 0xFFFFu) | (b << 16); }
HIL_INLINE uint32_t hil_pkhtb16(uint32_t a, uint32_t b) { return (a >> 16) | (b & 0xFFFF0000u); }

HIL_INLINE int32_t hil_smlatb(uint32_t x, uint32_t y, int32_t acc)
{
    return (int32_t)((uint32_t)acc + (uint32_t)(hil_hi16(x) * hil_lo16(y)));
}

HIL_INLINE int32_t hil_smlabt(uint32_t x, uint32_t y, int32_t acc)
{
    return (int32_t)((uint32_t)acc + (uint32_t)(hil_lo16(x) * hil_hi16(y)));
}

#endif

/* The same 16-bit value in both halves (an input offset for SXTAB16). */
HIL_INLINE uint32_t hil_dup16(int32_t v) { return ((uint32_t)v & 0xFFFFu) * 0x00010001u; }

#endif
