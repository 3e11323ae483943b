/* The KissFFT-compatible real FFT (signal_fft.h), instantiated by signal_fft_{i16,i32,f32}.c with
 *   FFT_BITS  16 or 32 (fixed point: Q15 or Q31) or 0 (float)
 *   FFT_T, FFT_CPX, FFT_SUFFIX  the scalar type, its complex pair and the name suffix.
 * Arithmetic macros, per representation:
 *   ADD/SUB/NEG   stored results (fixed point wraps as KissFFT's int16/int32 stores do)
 *   MULR(a, b)    a product rounded back to the scalar: sround(smul(a, b)) in fixed point
 *   FIXDIV(x, k)  the per-stage division by the radix (none in float)
 *   HALF(x)       x / 2 (a shift in fixed point)
 *   HALF_SUM(a,b), HALF_DIFF(a,b)  HALF_OF(a + b), HALF_OF(a - b): int16 operands are widened to
 *                 int before the shift, int32 results wrap first. */
#include <math.h>
#include <stddef.h>

#include "signal_fft.h"

#define FFT_CAT2(a, b) a##b
#define FFT_CAT(a, b) FFT_CAT2(a, b)
#define FFT_FN(name) FFT_CAT(name, FFT_SUFFIX)

#if FFT_BITS == 16
#define SAMP_MAX 32767
#define FRAC_BITS 15
typedef int32_t fft_prod;
#define ADD(a, b) ((int16_t)((int32_t)(a) + (int32_t)(b)))
#define SUB(a, b) ((int16_t)((int32_t)(a) - (int32_t)(b)))
#define NEG(a) ((int16_t)(-(int32_t)(a)))
#define HALF(x) ((int16_t)((int32_t)(x) >> 1))
#define HALF_SUM(a, b) ((int16_t)(((int32_t)(a) + (int32_t)(b)) >> 1))
#define HALF_DIFF(a, b) ((int16_t)(((int32_t)(a) - (int32_t)(b)) >> 1))
#elif FFT_BITS == 32
#define SAMP_MAX 2147483647
#define FRAC_BITS 31
typedef int64_t fft_prod;
#define ADD(a, b) ((int32_t)((uint32_t)(a) + (uint32_t)(b)))
#define SUB(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)))
#define NEG(a) ((int32_t)(0u - (uint32_t)(a)))
#define HALF(x) ((int32_t)(x) >> 1)
#define HALF_SUM(a, b) (ADD(a, b) >> 1)
#define HALF_DIFF(a, b) (SUB(a, b) >> 1)
#else
#define ADD(a, b) ((a) + (b))
#define SUB(a, b) ((a) - (b))
#define NEG(a) (-(a))
#define HALF(x) ((x) * 0.5f)
#define HALF_SUM(a, b) (((a) + (b)) * 0.5f)
#define HALF_DIFF(a, b) (((a) - (b)) * 0.5f)
#endif

#if FFT_BITS
static inline FFT_T FFT_FN(sround_)(fft_prod x) { return (FFT_T)((x + ((fft_prod)1 << (FRAC_BITS - 1))) >> FRAC_BITS); }
#define MULR(a, b) FFT_FN(sround_)((fft_prod)(a) * (b))
#define FIXDIV(c, k)                                        \
    do {                                                    \
        (c).r = MULR((c).r, SAMP_MAX / (k));                \
        (c).i = MULR((c).i, SAMP_MAX / (k));                \
    } while (0)
#define CMUL(m, a, b)                                                                             \
    do {                                                                                          \
        (m).r = FFT_FN(sround_)((fft_prod)(a).r * (b).r - (fft_prod)(a).i * (b).i);                \
        (m).i = FFT_FN(sround_)((fft_prod)(a).r * (b).i + (fft_prod)(a).i * (b).r);                \
    } while (0)
#define TWIDDLE(v) ((FFT_T)floor(0.5 + SAMP_MAX * (v)))
#else
#define MULR(a, b) ((a) * (b))
#define FIXDIV(c, k) ((void)0)
#define CMUL(m, a, b)                              \
    do {                                           \
        (m).r = (a).r * (b).r - (a).i * (b).i;     \
        (m).i = (a).r * (b).i + (a).i * (b).r;     \
    } while (0)
#define TWIDDLE(v) ((FFT_T)(v))
#endif

#define CADD(res, a, b) ((res).r = ADD((a).r, (b).r), (res).i = ADD((a).i, (b).i))
#define CSUB(res, a, b) ((res).r = SUB((a).r, (b).r), (res).i = SUB((a).i, (b).i))

int FFT_FN(hil_fft_plan_)(hil_graph *g, hil_fft_plan *p, int inverse)
{
    const double pi = 3.14159265358979323846264338327950288;
    uint32_t n = p->n;
    FFT_CPX *tw = hil_persistent_alloc(g, sizeof(FFT_CPX) * n);
    FFT_CPX *super = hil_persistent_alloc(g, sizeof(FFT_CPX) * (n / 2 ? n / 2 : 1));
    if (!tw || !super)
        return 0;
    p->inverse = (uint8_t)(inverse != 0);
    for (uint32_t i = 0; i < n; i++) {
        double phase = -2 * pi * i / n;
        if (inverse)
            phase *= -1;
        tw[i].r = TWIDDLE(cos(phase));
        tw[i].i = TWIDDLE(sin(phase));
    }
    for (uint32_t i = 0; i < n / 2; i++) {
        double phase = -pi * ((double)(i + 1) / n + .5);
        if (inverse)
            phase *= -1;
        super[i].r = TWIDDLE(cos(phase));
        super[i].i = TWIDDLE(sin(phase));
    }
    p->twiddles = tw;
    p->super_twiddles = super;
    return 1;
}

/* ---- butterflies (KissFFT's kf_bfly2/3/4/5) ---- */

static void FFT_FN(bfly2_)(FFT_CPX *out, size_t fstride, const hil_fft_plan *p, uint32_t m)
{
    const FFT_CPX *tw = p->twiddles;
    FFT_CPX *out2 = out + m;
    for (uint32_t k = 0; k < m; k++, out++, out2++, tw += fstride) {
        FFT_CPX t;
        FIXDIV(*out, 2);
        FIXDIV(*out2, 2);
        CMUL(t, *out2, *tw);
        CSUB(*out2, *out, t);
        CADD(*out, *out, t);
    }
}

static void FFT_FN(bfly3_)(FFT_CPX *out, size_t fstride, const hil_fft_plan *p, uint32_t m)
{
    const FFT_CPX *tw1 = p->twiddles, *tw2 = p->twiddles;
    FFT_CPX epi3 = ((const FFT_CPX *)p->twiddles)[fstride * m];
    for (uint32_t k = 0; k < m; k++, out++, tw1 += fstride, tw2 += 2 * fstride) {
        FFT_CPX s0, s1, s2, s3;
        FIXDIV(out[0], 3);
        FIXDIV(out[m], 3);
        FIXDIV(out[2 * m], 3);
        CMUL(s1, out[m], *tw1);
        CMUL(s2, out[2 * m], *tw2);
        CADD(s3, s1, s2);
        CSUB(s0, s1, s2);
        out[m].r = SUB(out[0].r, HALF(s3.r));
        out[m].i = SUB(out[0].i, HALF(s3.i));
        s0.r = MULR(s0.r, epi3.i);
        s0.i = MULR(s0.i, epi3.i);
        CADD(out[0], out[0], s3);
        out[2 * m].r = ADD(out[m].r, s0.i);
        out[2 * m].i = SUB(out[m].i, s0.r);
        out[m].r = SUB(out[m].r, s0.i);
        out[m].i = ADD(out[m].i, s0.r);
    }
}

static void FFT_FN(bfly4_)(FFT_CPX *out, size_t fstride, const hil_fft_plan *p, uint32_t m)
{
    const FFT_CPX *tw1 = p->twiddles, *tw2 = p->twiddles, *tw3 = p->twiddles;
    for (uint32_t k = 0; k < m; k++, out++, tw1 += fstride, tw2 += 2 * fstride, tw3 += 3 * fstride) {
        FFT_CPX s0, s1, s2, s3, s4, s5;
        FIXDIV(out[0], 4);
        FIXDIV(out[m], 4);
        FIXDIV(out[2 * m], 4);
        FIXDIV(out[3 * m], 4);
        CMUL(s0, out[m], *tw1);
        CMUL(s1, out[2 * m], *tw2);
        CMUL(s2, out[3 * m], *tw3);
        CSUB(s5, out[0], s1);
        CADD(out[0], out[0], s1);
        CADD(s3, s0, s2);
        CSUB(s4, s0, s2);
        CSUB(out[2 * m], out[0], s3);
        CADD(out[0], out[0], s3);
        if (p->inverse) {
            out[m].r = SUB(s5.r, s4.i);
            out[m].i = ADD(s5.i, s4.r);
            out[3 * m].r = ADD(s5.r, s4.i);
            out[3 * m].i = SUB(s5.i, s4.r);
        } else {
            out[m].r = ADD(s5.r, s4.i);
            out[m].i = SUB(s5.i, s4.r);
            out[3 * m].r = SUB(s5.r, s4.i);
            out[3 * m].i = ADD(s5.i, s4.r);
        }
    }
}

static void FFT_FN(bfly5_)(FFT_CPX *out, size_t fstride, const hil_fft_plan *p, uint32_t m)
{
    const FFT_CPX *tw = p->twiddles;
    FFT_CPX ya = tw[fstride * m], yb = tw[fstride * 2 * m];
    FFT_CPX *o0 = out, *o1 = out + m, *o2 = out + 2 * m, *o3 = out + 3 * m, *o4 = out + 4 * m;
    for (uint32_t u = 0; u < m; u++, o0++, o1++, o2++, o3++, o4++) {
        FFT_CPX s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12;
        FIXDIV(*o0, 5);
        FIXDIV(*o1, 5);
        FIXDIV(*o2, 5);
        FIXDIV(*o3, 5);
        FIXDIV(*o4, 5);
        s0 = *o0;
        CMUL(s1, *o1, tw[u * fstride]);
        CMUL(s2, *o2, tw[2 * u * fstride]);
        CMUL(s3, *o3, tw[3 * u * fstride]);
        CMUL(s4, *o4, tw[4 * u * fstride]);
        CADD(s7, s1, s4);
        CSUB(s10, s1, s4);
        CADD(s8, s2, s3);
        CSUB(s9, s2, s3);
        o0->r = ADD(o0->r, ADD(s7.r, s8.r));
        o0->i = ADD(o0->i, ADD(s7.i, s8.i));
        s5.r = ADD(ADD(s0.r, MULR(s7.r, ya.r)), MULR(s8.r, yb.r));
        s5.i = ADD(ADD(s0.i, MULR(s7.i, ya.r)), MULR(s8.i, yb.r));
        s6.r = ADD(MULR(s10.i, ya.i), MULR(s9.i, yb.i));
        s6.i = SUB(NEG(MULR(s10.r, ya.i)), MULR(s9.r, yb.i));
        CSUB(*o1, s5, s6);
        CADD(*o4, s5, s6);
        s11.r = ADD(ADD(s0.r, MULR(s7.r, yb.r)), MULR(s8.r, ya.r));
        s11.i = ADD(ADD(s0.i, MULR(s7.i, yb.r)), MULR(s8.i, ya.r));
        s12.r = ADD(NEG(MULR(s10.i, yb.i)), MULR(s9.i, ya.i));
        s12.i = SUB(MULR(s10.r, yb.i), MULR(s9.r, ya.i));
        CADD(*o2, s11, s12);
        CSUB(*o3, s11, s12);
    }
}

/* KissFFT's kf_work: a DFT of p * m points as p DFTs of m points of the decimated input, then
 * one radix-p stage recombining them. */
static void FFT_FN(work_)(const hil_fft_plan *p, unsigned stage, FFT_CPX *out, const FFT_CPX *in, size_t fstride)
{
    uint32_t radix = p->radix[stage], m = p->span[stage];
    FFT_CPX *end = out + radix * m;
    if (m == 1) {
        for (FFT_CPX *o = out; o != end; o++, in += fstride)
            *o = *in;
    } else {
        for (FFT_CPX *o = out; o != end; o += m, in += fstride)
            FFT_FN(work_)(p, stage + 1, o, in, fstride * radix);
    }
    switch (radix) {
    case 2: FFT_FN(bfly2_)(out, fstride, p, m); break;
    case 3: FFT_FN(bfly3_)(out, fstride, p, m); break;
    case 4: FFT_FN(bfly4_)(out, fstride, p, m); break;
    default: FFT_FN(bfly5_)(out, fstride, p, m); break; /* hil_fft_factor allows 2 to 5 only */
    }
}

void FFT_FN(hil_rfft_)(const hil_fft_plan *p, const void *in, void *out_v, void *tmp_v)
{
    FFT_CPX *out = out_v, *tmp = tmp_v;
    uint32_t n = p->n;
    const FFT_CPX *super = p->super_twiddles;
    FFT_FN(work_)(p, 0, tmp, in, 1);
    FFT_CPX dc = tmp[0];
    FIXDIV(dc, 2);
    out[0].r = ADD(dc.r, dc.i);
    out[n].r = SUB(dc.r, dc.i);
    out[0].i = out[n].i = 0;
    for (uint32_t k = 1; k <= n / 2; k++) {
        FFT_CPX fpk = tmp[k], fpnk, f1k, f2k, t;
        fpnk.r = tmp[n - k].r;
        fpnk.i = NEG(tmp[n - k].i);
        FIXDIV(fpk, 2);
        FIXDIV(fpnk, 2);
        CADD(f1k, fpk, fpnk);
        CSUB(f2k, fpk, fpnk);
        CMUL(t, f2k, super[k - 1]);
        out[k].r = HALF_SUM(f1k.r, t.r);
        out[k].i = HALF_SUM(f1k.i, t.i);
        out[n - k].r = HALF_DIFF(f1k.r, t.r);
        out[n - k].i = HALF_DIFF(t.i, f1k.i);
    }
}

void FFT_FN(hil_irfft_)(const hil_fft_plan *p, const void *in_v, void *out, void *tmp_v)
{
    const FFT_CPX *in = in_v;
    FFT_CPX *tmp = tmp_v;
    uint32_t n = p->n;
    const FFT_CPX *super = p->super_twiddles;
    tmp[0].r = ADD(in[0].r, in[n].r);
    tmp[0].i = SUB(in[0].r, in[n].r);
    FIXDIV(tmp[0], 2);
    for (uint32_t k = 1; k <= n / 2; k++) {
        FFT_CPX fk = in[k], fnkc, fek, diff, fok;
        fnkc.r = in[n - k].r;
        fnkc.i = NEG(in[n - k].i);
        FIXDIV(fk, 2);
        FIXDIV(fnkc, 2);
        CADD(fek, fk, fnkc);
        CSUB(diff, fk, fnkc);
        CMUL(fok, diff, super[k - 1]);
        CADD(tmp[k], fek, fok);
        CSUB(tmp[n - k], fek, fok);
        tmp[n - k].i = NEG(tmp[n - k].i);
    }
    FFT_FN(work_)(p, 0, out, tmp, 1);
}
