/* Helium (MVE, Armv8.1-M: Cortex-M55, M85) building blocks of the *_mve.c kernel paths, with a
 * portable C emulation of each intrinsic they use, so the host-native build
 * (-DHIL_MVE_EMULATION) runs the same vector algorithm under ASan/UBSan and the tests compare it
 * bit for bit with the reference kernels. The kernels use the ACLE names of arm_mve.h (the
 * explicitly typed forms); on a core with MVE they are the compiler's intrinsics.
 *
 * Selection (simd.h): HIL_MVE_KERNELS is 1 on a core with __ARM_FEATURE_MVE, or on the host with
 * HIL_MVE_EMULATION; 0 with HIL_REFERENCE_KERNELS and everywhere else. The MVE paths replace the
 * DSP paths where they apply; the rest of an MVE build keeps the DSP paths. */
#ifndef HIL_MVE_H
#define HIL_MVE_H
#include <stdint.h>
#include <string.h>

#include "quant.h"
#include "simd.h"

/* Output pixels per pass of the Helium matrix multiply. */
enum { HIL_MVE_PIXELS = 3 };

#if HIL_MVE_KERNELS

#if defined(__ARM_FEATURE_MVE)
#include <arm_mve.h>
#define HIL_MVE_RAN() ((void)0)
#else /* the emulation: lane-wise C with the architecture's wrap-around and saturation rules */

typedef struct { int8_t v[16]; } int8x16_t;
typedef struct { int32_t v[4]; } int32x4_t;
typedef struct { uint32_t v[4]; } uint32x4_t;
typedef struct { int16_t v[8]; } int16x8_t;
typedef uint16_t mve_pred16_t; /* one bit per byte lane, as VPR.P0 */

#define HIL_EMU static inline

/* Evaluations by an MVE path, counted in the emulation only: the tests show the paths ran
 * (kernels/gemm_mve.c). */
extern long hil_mve_evals;
#define HIL_MVE_RAN() ((void)hil_mve_evals++)

/* VCTP.8 / .32: lanes below n active. */
HIL_EMU mve_pred16_t vctp8q(uint32_t n) { return n >= 16 ? 0xFFFFu : (mve_pred16_t)((1u << n) - 1u); }
HIL_EMU mve_pred16_t vctp32q(uint32_t n) { return n >= 4 ? 0xFFFFu : (mve_pred16_t)((1u << (4 * n)) - 1u); }

/* VLDRB.S8: 16 bytes; the _z form reads only active lanes and zeroes the others. */
HIL_EMU int8x16_t vldrbq_s8(const int8_t *p)
{
    int8x16_t r;
    memcpy(r.v, p, 16);
    return r;
}

HIL_EMU int8x16_t vldrbq_z_s8(const int8_t *p, mve_pred16_t pred)
{
    int8x16_t r;
    for (int i = 0; i < 16; i++)
        r.v[i] = (pred >> i) & 1u ? p[i] : 0;
    return r;
}

/* VSTRB.8 of the active lanes. */
HIL_EMU void vstrbq_s8(int8_t *p, int8x16_t a) { memcpy(p, a.v, 16); }

HIL_EMU void vstrbq_p_s8(int8_t *p, int8x16_t a, mve_pred16_t pred)
{
    for (int i = 0; i < 16; i++)
        if ((pred >> i) & 1u)
            p[i] = a.v[i];
}

HIL_EMU int8x16_t vdupq_n_s8(int8_t x)
{
    int8x16_t r;
    memset(r.v, (uint8_t)x, 16);
    return r;
}

/* VMLADAVA.S8: add + the sum of the 16 lane products, modulo 2^32. */
HIL_EMU int32_t vmladavaq_s8(int32_t add, int8x16_t a, int8x16_t b)
{
    uint32_t s = (uint32_t)add;
    for (int i = 0; i < 16; i++)
        s += (uint32_t)((int32_t)a.v[i] * b.v[i]);
    return (int32_t)s;
}

/* VADDVA.S8: add + the sum of the 16 lanes. */
HIL_EMU int32_t vaddvaq_s8(int32_t add, int8x16_t a)
{
    uint32_t s = (uint32_t)add;
    for (int i = 0; i < 16; i++)
        s += (uint32_t)(int32_t)a.v[i];
    return (int32_t)s;
}

/* VLDRW.32, VLDRB.S32 (four bytes sign-extended), VSTRB.32 (each lane's low byte). */
HIL_EMU int32x4_t vldrwq_s32(const int32_t *p)
{
    int32x4_t r;
    memcpy(r.v, p, 16);
    return r;
}

HIL_EMU int32x4_t vldrbq_s32(const int8_t *p)
{
    int32x4_t r = {{p[0], p[1], p[2], p[3]}};
    return r;
}

/* The _z forms: active 32-bit lanes only (the others 0). */
HIL_EMU int32x4_t vldrwq_z_s32(const int32_t *p, mve_pred16_t pred)
{
    int32x4_t r;
    for (int i = 0; i < 4; i++)
        r.v[i] = (pred >> (4 * i)) & 1u ? p[i] : 0;
    return r;
}

HIL_EMU int32x4_t vldrbq_z_s32(const int8_t *p, mve_pred16_t pred)
{
    int32x4_t r;
    for (int i = 0; i < 4; i++)
        r.v[i] = (pred >> (4 * i)) & 1u ? p[i] : 0;
    return r;
}

HIL_EMU void vstrbq_s32(int8_t *p, int32x4_t a)
{
    for (int i = 0; i < 4; i++)
        p[i] = (int8_t)(uint8_t)(uint32_t)a.v[i];
}

HIL_EMU void vstrbq_p_s32(int8_t *p, int32x4_t a, mve_pred16_t pred)
{
    for (int i = 0; i < 4; i++)
        if ((pred >> (4 * i)) & 1u)
            p[i] = (int8_t)(uint8_t)(uint32_t)a.v[i];
}

HIL_EMU int32x4_t vdupq_n_s32(int32_t x)
{
    int32x4_t r = {{x, x, x, x}};
    return r;
}

HIL_EMU int32x4_t vsetq_lane_s32(int32_t x, int32x4_t a, int lane)
{
    a.v[lane] = x;
    return a;
}

/* VIDUP.U32 (start, start + step, ...) and VMUL.I32 by a scalar. (Not vcreateq_u32: GCC 12
 * puts its two halves in the opposite order from the emulation's reading of ACLE.) */
HIL_EMU uint32x4_t vidupq_n_u32(uint32_t start, int step)
{
    uint32x4_t r = {{start, start + (uint32_t)step, start + 2u * (uint32_t)step, start + 3u * (uint32_t)step}};
    return r;
}

HIL_EMU uint32x4_t vmulq_n_u32(uint32x4_t a, uint32_t b)
{
    for (int i = 0; i < 4; i++)
        a.v[i] *= b;
    return a;
}

/* VSTRB.32 scatter: lane i's low byte at base + offset[i], active lanes only. */
HIL_EMU void vstrbq_scatter_offset_p_s32(int8_t *base, uint32x4_t offset, int32x4_t a, mve_pred16_t pred)
{
    for (int i = 0; i < 4; i++)
        if ((pred >> (4 * i)) & 1u)
            base[offset.v[i]] = (int8_t)(uint8_t)(uint32_t)a.v[i];
}

HIL_EMU int32x4_t vaddq_s32(int32x4_t a, int32x4_t b)
{
    for (int i = 0; i < 4; i++)
        a.v[i] = (int32_t)((uint32_t)a.v[i] + (uint32_t)b.v[i]);
    return a;
}

HIL_EMU int32x4_t vaddq_n_s32(int32x4_t a, int32_t b) { return vaddq_s32(a, vdupq_n_s32(b)); }

HIL_EMU int32x4_t vmulq_s32(int32x4_t a, int32x4_t b)
{
    for (int i = 0; i < 4; i++)
        a.v[i] = (int32_t)((uint32_t)a.v[i] * (uint32_t)b.v[i]);
    return a;
}

/* VMLA.S32 (vector by scalar): add + m * x lane by lane, modulo 2^32. */
HIL_EMU int32x4_t vmlaq_n_s32(int32x4_t add, int32x4_t m, int32_t x)
{
    for (int i = 0; i < 4; i++)
        add.v[i] = (int32_t)((uint32_t)add.v[i] + (uint32_t)m.v[i] * (uint32_t)x);
    return add;
}

HIL_EMU int32x4_t vmaxq_s32(int32x4_t a, int32x4_t b)
{
    for (int i = 0; i < 4; i++)
        a.v[i] = a.v[i] > b.v[i] ? a.v[i] : b.v[i];
    return a;
}

HIL_EMU int32x4_t vminq_s32(int32x4_t a, int32x4_t b)
{
    for (int i = 0; i < 4; i++)
        a.v[i] = a.v[i] < b.v[i] ? a.v[i] : b.v[i];
    return a;
}

HIL_EMU int32x4_t vandq_s32(int32x4_t a, int32x4_t b)
{
    for (int i = 0; i < 4; i++)
        a.v[i] = (int32_t)((uint32_t)a.v[i] & (uint32_t)b.v[i]);
    return a;
}

/* VSHR.S32 #n (arithmetic). */
HIL_EMU int32x4_t vshrq_n_s32(int32x4_t a, int n)
{
    for (int i = 0; i < 4; i++)
        a.v[i] = a.v[i] >> n;
    return a;
}

/* VQADD.S32: saturating. */
HIL_EMU int32x4_t vqaddq_s32(int32x4_t a, int32x4_t b)
{
    for (int i = 0; i < 4; i++) {
        int64_t s = (int64_t)a.v[i] + b.v[i];
        a.v[i] = s > INT32_MAX ? INT32_MAX : (s < INT32_MIN ? INT32_MIN : (int32_t)s);
    }
    return a;
}

/* VQRDMULH.S32: saturate((2 * a * b + 2^31) >> 32); only INT32_MIN * INT32_MIN saturates. */
HIL_EMU int32x4_t vqrdmulhq_s32(int32x4_t a, int32x4_t b)
{
    for (int i = 0; i < 4; i++) {
        if (a.v[i] == INT32_MIN && b.v[i] == INT32_MIN) {
            a.v[i] = INT32_MAX;
            continue;
        }
        int64_t p = (int64_t)a.v[i] * b.v[i]; /* 2ab + 2^31 fits in int64 except the case above */
        a.v[i] = (int32_t)((2 * p + (1ll << 31)) >> 32);
    }
    return a;
}

/* VSHL.S32 / VRSHL.S32 (register): each lane shifted by the signed low byte of b's lane, left
 * when positive (bits shifted out are lost), right when negative; VRSHL rounds a right shift by
 * adding 2^(n-1) first, in a wider intermediate (no overflow). Shift amounts here are -31..31. */
HIL_EMU int32x4_t vshlq_s32(int32x4_t a, int32x4_t b)
{
    for (int i = 0; i < 4; i++) {
        int n = (int8_t)(b.v[i] & 0xFF);
        a.v[i] = n >= 0 ? (int32_t)((uint32_t)a.v[i] << n) : a.v[i] >> -n;
    }
    return a;
}

HIL_EMU int32x4_t vshlq_r_s32(int32x4_t a, int32_t b) { return vshlq_s32(a, vdupq_n_s32(b)); }
HIL_EMU int32x4_t vshlq_n_s32(int32x4_t a, int n) { return vshlq_s32(a, vdupq_n_s32(n)); }

HIL_EMU int32x4_t vrshlq_s32(int32x4_t a, int32x4_t b)
{
    for (int i = 0; i < 4; i++) {
        int n = (int8_t)(b.v[i] & 0xFF);
        a.v[i] = n >= 0 ? (int32_t)((uint32_t)a.v[i] << n) : (int32_t)(((int64_t)a.v[i] + (1ll << (-n - 1))) >> -n);
    }
    return a;
}

HIL_EMU int32x4_t vrshlq_n_s32(int32x4_t a, int32_t b) { return vrshlq_s32(a, vdupq_n_s32(b)); }
HIL_EMU int32x4_t vqrdmulhq_n_s32(int32x4_t a, int32_t b) { return vqrdmulhq_s32(a, vdupq_n_s32(b)); }

/* 16-bit lanes (8 per vector; a lane is active when its low predicate bit is set). */
HIL_EMU mve_pred16_t vctp16q(uint32_t n) { return n >= 8 ? 0xFFFFu : (mve_pred16_t)((1u << (2 * n)) - 1u); }

HIL_EMU int16x8_t vdupq_n_s16(int16_t x)
{
    int16x8_t r;
    for (int i = 0; i < 8; i++)
        r.v[i] = x;
    return r;
}

/* VLDRB.S16: eight bytes sign-extended (the _z form: active lanes only, the others 0). */
HIL_EMU int16x8_t vldrbq_z_s16(const int8_t *p, mve_pred16_t pred)
{
    int16x8_t r;
    for (int i = 0; i < 8; i++)
        r.v[i] = (pred >> (2 * i)) & 1u ? p[i] : 0;
    return r;
}

HIL_EMU int16x8_t vldrbq_s16(const int8_t *p) { return vldrbq_z_s16(p, 0xFFFFu); }

HIL_EMU int16x8_t vaddq_n_s16(int16x8_t a, int16_t b)
{
    for (int i = 0; i < 8; i++)
        a.v[i] = (int16_t)(uint16_t)((uint32_t)(uint16_t)a.v[i] + (uint16_t)b);
    return a;
}

/* VMULLB / VMULLT.S16: the even (bottom) or odd (top) lanes' full 32-bit products. */
HIL_EMU int32x4_t vmullbq_int_s16(int16x8_t a, int16x8_t b)
{
    int32x4_t r;
    for (int i = 0; i < 4; i++)
        r.v[i] = (int32_t)a.v[2 * i] * b.v[2 * i];
    return r;
}

HIL_EMU int32x4_t vmulltq_int_s16(int16x8_t a, int16x8_t b)
{
    int32x4_t r;
    for (int i = 0; i < 4; i++)
        r.v[i] = (int32_t)a.v[2 * i + 1] * b.v[2 * i + 1];
    return r;
}

/* VMOVNB / VMOVNT.I32: b's lanes truncated into a's even / odd 16-bit lanes. */
HIL_EMU int16x8_t vmovnbq_s32(int16x8_t a, int32x4_t b)
{
    for (int i = 0; i < 4; i++)
        a.v[2 * i] = (int16_t)(uint16_t)(uint32_t)b.v[i];
    return a;
}

HIL_EMU int16x8_t vmovntq_s32(int16x8_t a, int32x4_t b)
{
    for (int i = 0; i < 4; i++)
        a.v[2 * i + 1] = (int16_t)(uint16_t)(uint32_t)b.v[i];
    return a;
}

/* VSTRB.16: each active lane's low byte. */
HIL_EMU void vstrbq_p_s16(int8_t *p, int16x8_t a, mve_pred16_t pred)
{
    for (int i = 0; i < 8; i++)
        if ((pred >> (2 * i)) & 1u)
            p[i] = (int8_t)(uint8_t)(uint16_t)a.v[i];
}

/* Gathers of active 32-bit lanes (the others 0): words base[offset[i]], bytes base + offset[i]. */
HIL_EMU int32x4_t vldrwq_gather_shifted_offset_z_s32(const int32_t *base, uint32x4_t offset, mve_pred16_t pred)
{
    int32x4_t r;
    for (int i = 0; i < 4; i++)
        r.v[i] = (pred >> (4 * i)) & 1u ? base[offset.v[i]] : 0;
    return r;
}

HIL_EMU int32x4_t vldrbq_gather_offset_z_s32(const int8_t *base, uint32x4_t offset, mve_pred16_t pred)
{
    int32x4_t r;
    for (int i = 0; i < 4; i++)
        r.v[i] = (pred >> (4 * i)) & 1u ? base[offset.v[i]] : 0;
    return r;
}

#undef HIL_EMU
#endif /* emulation */

/* TFLM's requantization (hil_multiply_by_quantized_multiplier) of four accumulators, their
 * channels' multipliers m and shifts s (TFLM's exponent), then the output zero point and the
 * activation clamp; the four int8 results stored at out (the first n when n < 4).
 *   left shift max(s, 0) (VSHL: the bits shifted out are lost, as TFLM's uint32 shift),
 *   VQRDMULH: TFLM's saturating rounding doubling high multiply exactly (round half up of
 *     a * b / 2^31 equals its nudge-and-truncate form for every integer product),
 *   rounding right shift by max(-s, 0): VRSHL rounds half up; TFLM rounds half away from zero,
 *     which is the same after subtracting 1 from a negative value when the shift is not 0
 *     (saturating: INT32_MIN stays, and rounds the same either way). min(s, 0) has its sign
 *     bit set exactly when there is a right shift, so (x & min(s, 0)) >> 31 is that -1. */
HIL_INLINE int32x4_t hil_mve_requant4(int32x4_t acc, int32x4_t m, int32x4_t s, int32_t zp, int32_t lo, int32_t hi)
{
    const int32x4_t zero = vdupq_n_s32(0);
    int32x4_t right = vminq_s32(s, zero);
    int32x4_t x = vqrdmulhq_s32(vshlq_s32(acc, vmaxq_s32(s, zero)), m);
    x = vqaddq_s32(x, vshrq_n_s32(vandq_s32(x, right), 31));
    x = vaddq_n_s32(vrshlq_s32(x, right), zp);
    return vminq_s32(vmaxq_s32(x, vdupq_n_s32(lo)), vdupq_n_s32(hi));
}

/* hil_multiply_by_quantized_multiplier of four values by one multiplier and shift (the steps
 * of hil_mve_requant4 with the same m and s in every lane). */
HIL_INLINE int32x4_t hil_mve_mbqm_n(int32x4_t acc, int32_t m, int32_t s)
{
    int32_t right = s < 0 ? s : 0;
    int32x4_t x = vqrdmulhq_n_s32(vshlq_r_s32(acc, s > 0 ? s : 0), m);
    x = vqaddq_s32(x, vshrq_n_s32(vandq_s32(x, vdupq_n_s32(right)), 31));
    return vrshlq_n_s32(x, right);
}

/* hil_mve_requant4 with one channel's multiplier and shift in every lane (four pixels of a
 * channel). */
HIL_INLINE int32x4_t hil_mve_requant4_n(int32x4_t acc, int32_t m, int32_t s, int32_t zp, int32_t lo, int32_t hi)
{
    int32x4_t x = vaddq_n_s32(hil_mve_mbqm_n(acc, m, s), zp);
    return vminq_s32(vmaxq_s32(x, vdupq_n_s32(lo)), vdupq_n_s32(hi));
}

/* The multipliers and shifts of channels c .. c + n - 1, n <= 4 (per-tensor: the one value in
 * every lane); lanes past n read nothing. */
HIL_INLINE void hil_mve_requant_params(const hil_requant *rq, int32_t c, int32_t n, int32x4_t *m, int32x4_t *s)
{
    if (rq->channels > 1 && n >= 4) {
        *m = vldrwq_s32(rq->multiplier + c);
        *s = vldrbq_s32(rq->shift + c);
    } else if (rq->channels > 1) {
        mve_pred16_t p = vctp32q((uint32_t)n);
        *m = vldrwq_z_s32(rq->multiplier + c, p);
        *s = vldrbq_z_s32(rq->shift + c, p);
    } else {
        *m = vdupq_n_s32(rq->multiplier[0]);
        *s = vdupq_n_s32(rq->shift[0]);
    }
}

/* The matrix multiply of the Helium conv paths (gemm_mve.c): out[px][c] = requant(init[c] +
 * sum_k w[c][k] * x[px][k]) for three pixels at a time, init[c] = bias[c] + input offset * sum_k
 * w[c][k] (the offset folded out of the inner loop; window taps in the padding hold the input
 * zero point, whose products cancel the folded term exactly as TFLM skipping them). Each pixel's
 * k raw int8 values are contiguous: the input itself for a 1x1 stride-1 window, else a copy. */
typedef struct {
    const hil_requant *rq;
    int32_t out_offset, act_min, act_max;
} hil_mve_stage;

/* n bytes from src to dst / n copies of value at dst (vector stores, a predicated tail). */
void hil_mve_copy(int8_t *dst, const int8_t *src, int32_t n);
void hil_mve_fill(int8_t *dst, int8_t value, int32_t n);

/* The channel table, HIL_MVE_CHAN_WORDS per channel: init[c], then c's multiplier, left shift
 * max(s, 0) and right shift min(s, 0) (hil_mve_requant4's steps); n_ch channels of k weights
 * each, w_stride bytes apart. */
enum { HIL_MVE_CHAN_WORDS = 4 };
void hil_mve_acc_init(const int8_t *w, int32_t k, int32_t w_stride, int32_t n_ch, const int32_t *bias,
                      int32_t input_offset, const hil_requant *rq, int32_t *tbl);

/* Every channel of pixels x[0 .. n_px - 1] (n_px 1..3; the other entries may repeat x[0]);
 * pixel i's outputs at out + i * out_stride. */
void hil_mve_gemm3(const int8_t *const x[3], const int8_t *w, int32_t k, int32_t w_stride, int32_t n_ch,
                   const int32_t *tbl, const hil_mve_stage *st, int8_t *out, int32_t out_stride, int32_t n_px);

#endif /* HIL_MVE_KERNELS */
#endif
