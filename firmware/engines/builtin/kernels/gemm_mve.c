/* The Helium matrix multiply of the CONV_2D and DEPTHWISE_CONV_2D (one input channel) paths
 * (mve.h). Not an operator. Compiled out without HIL_MVE_KERNELS. */
#include "mve.h"

#if HIL_MVE_KERNELS

#if !defined(__ARM_FEATURE_MVE)
long hil_mve_evals;
#endif

void hil_mve_copy(int8_t *dst, const int8_t *src, int32_t n)
{
    for (; n >= 16; n -= 16, src += 16, dst += 16)
        vstrbq_s8(dst, vldrbq_s8(src));
    if (n > 0) {
        mve_pred16_t p = vctp8q((uint32_t)n);
        vstrbq_p_s8(dst, vldrbq_z_s8(src, p), p);
    }
}

void hil_mve_fill(int8_t *dst, int8_t value, int32_t n)
{
    const int8x16_t v = vdupq_n_s8(value);
    for (; n >= 16; n -= 16, dst += 16)
        vstrbq_s8(dst, v);
    if (n > 0)
        vstrbq_p_s8(dst, v, vctp8q((uint32_t)n));
}

void hil_mve_acc_init(const int8_t *w, int32_t k, int32_t w_stride, int32_t n_ch, const int32_t *bias,
                      int32_t input_offset, const hil_requant *rq, int32_t *tbl)
{
    for (int32_t c = 0; c < n_ch; c++, w += w_stride, tbl += HIL_MVE_CHAN_WORDS) {
        int32_t sum = 0, i = rq->channels > 1 ? c : 0, s = rq->shift[i];
        const int8_t *wp = w;
        for (int32_t left = k; left > 0; left -= 16, wp += 16)
            sum = vaddvaq_s8(sum, vldrbq_z_s8(wp, vctp8q((uint32_t)left)));
        tbl[0] = (int32_t)((bias ? (uint32_t)bias[c] : 0u) + (uint32_t)sum * (uint32_t)input_offset);
        tbl[1] = rq->multiplier[i];
        tbl[2] = s > 0 ? s : 0;
        tbl[3] = s < 0 ? s : 0;
    }
}

/* The three pixels' accumulators of one channel (its table entry at t), requantized as
 * hil_mve_requant4 does and stored (the first n_px). */
HIL_INLINE void store_channel(const int32_t *t, int32_t a0, int32_t a1, int32_t a2, int32_t zp, int32x4_t lo,
                              int32x4_t hi, int8_t *out, uint32x4_t offsets, mve_pred16_t px_pred)
{
    int32x4_t x = vsetq_lane_s32(a2, vsetq_lane_s32(a1, vdupq_n_s32(a0), 1), 2);
    x = vqrdmulhq_n_s32(vshlq_r_s32(x, t[2]), t[1]);
    x = vqaddq_s32(x, vshrq_n_s32(vandq_s32(x, vdupq_n_s32(t[3])), 31));
    x = vaddq_n_s32(vrshlq_n_s32(x, t[3]), zp);
    vstrbq_scatter_offset_p_s32(out, offsets, vminq_s32(vmaxq_s32(x, lo), hi), px_pred);
}

/* Two channels (w0, w1) x three pixels (x0, x1, x2) per pass: per block of 16 values three
 * input loads, two weight loads, six VMLADAVA.S8 (96 MACs; VMLADAVA accumulates into even
 * registers only, seven of them besides the loop counter, so six accumulators stay in
 * registers). The last k % 16 values are predicated loads (zeros in the other lanes; nothing
 * read past a row). An odd channel count runs its last channel as w1 too and stores it once. */
void hil_mve_gemm3(const int8_t *const x[3], const int8_t *w, int32_t k, int32_t w_stride, int32_t n_ch,
                   const int32_t *tbl, const hil_mve_stage *st, int8_t *out, int32_t out_stride, int32_t n_px)
{
    const int32_t zp = st->out_offset;
    const int32x4_t lo = vdupq_n_s32(st->act_min), hi = vdupq_n_s32(st->act_max);
    const uint32x4_t offsets = vmulq_n_u32(vidupq_n_u32(0, 1), (uint32_t)out_stride); /* pixel i at i * stride */
    const mve_pred16_t px_pred = vctp32q((uint32_t)n_px);
    const int32_t blocks = k / 16, tail = k % 16;
    for (int32_t c = 0; c < n_ch; c += 2) {
        const int32_t c1 = c + 1 < n_ch ? c + 1 : c;
        const int8_t *w0 = w + c * w_stride, *w1 = w + c1 * w_stride, *p0 = x[0], *p1 = x[1], *p2 = x[2];
        const int32_t *t0 = tbl + c * HIL_MVE_CHAN_WORDS, *t1 = tbl + c1 * HIL_MVE_CHAN_WORDS;
        int32_t a0 = t0[0], a1 = a0, a2 = a0, b0 = t1[0], b1 = b0, b2 = b0;
        for (int32_t j = blocks; j > 0; j--, p0 += 16, p1 += 16, p2 += 16, w0 += 16, w1 += 16) {
            int8x16_t x0 = vldrbq_s8(p0), x1 = vldrbq_s8(p1), x2 = vldrbq_s8(p2);
            int8x16_t wv = vldrbq_s8(w0);
            a0 = vmladavaq_s8(a0, wv, x0);
            a1 = vmladavaq_s8(a1, wv, x1);
            a2 = vmladavaq_s8(a2, wv, x2);
            wv = vldrbq_s8(w1);
            b0 = vmladavaq_s8(b0, wv, x0);
            b1 = vmladavaq_s8(b1, wv, x1);
            b2 = vmladavaq_s8(b2, wv, x2);
        }
        if (tail) {
            mve_pred16_t p = vctp8q((uint32_t)tail);
            int8x16_t x0 = vldrbq_z_s8(p0, p), x1 = vldrbq_z_s8(p1, p), x2 = vldrbq_z_s8(p2, p);
            int8x16_t wv = vldrbq_z_s8(w0, p);
            a0 = vmladavaq_s8(a0, wv, x0);
            a1 = vmladavaq_s8(a1, wv, x1);
            a2 = vmladavaq_s8(a2, wv, x2);
            wv = vldrbq_z_s8(w1, p);
            b0 = vmladavaq_s8(b0, wv, x0);
            b1 = vmladavaq_s8(b1, wv, x1);
            b2 = vmladavaq_s8(b2, wv, x2);
        }
        store_channel(t0, a0, a1, a2, zp, lo, hi, out + c, offsets, px_pred);
        if (c1 != c)
            store_channel(t1, b0, b1, b2, zp, lo, hi, out + c1, offsets, px_pred);
    }
}

#endif
