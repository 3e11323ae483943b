/* The optimized 16x8 matrix-multiply core (gemm_dsp16.h). Not an operator: shared by the
 * optimized int16 CONV_2D and FULLY_CONNECTED. Compiled out with HIL_OPT_KERNELS == 0. */
#include "gemm_dsp16.h"

#include <string.h>

#include "gemm_dsp.h"

#if HIL_OPT_KERNELS

enum { CHUNK_BLOCKS = 64 }; /* 256 products per int32 partial sum */

/* The two int16 values at p as one word (any 2-byte alignment). */
HIL_INLINE uint32_t read16x2(const int16_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Values 4j .. 4j+3 of a pixel as [x0, x2] and [x1, x3]; n < 4 values in a tail, zeros after. */
HIL_INLINE void pack_block(const int16_t *p, int32_t n, uint32_t *even, uint32_t *odd)
{
    uint32_t lo, hi;
    if (n == 4) {
        lo = read16x2(p);
        hi = read16x2(p + 2);
    } else {
        int16_t v[4] = {0, 0, 0, 0};
        memcpy(v, p, 2u * (uint32_t)n);
        lo = read16x2(v);
        hi = read16x2(v + 2);
    }
    *even = hil_pkhbt16(lo, hi);
    *odd = hil_pkhtb16(lo, hi);
}

void hil_cols_pack16(const int16_t *a, const int16_t *b, int32_t k, uint32_t *cols)
{
    for (int32_t j = 0; j < k; j += 4, cols += 4) {
        int32_t n = k - j < 4 ? k - j : 4;
        pack_block(a + j, n, &cols[0], &cols[1]);
        if (b)
            pack_block(b + j, n, &cols[2], &cols[3]);
    }
}

/* Output of channel c from its sum of products (bias not yet added). */
HIL_INLINE int16_t out16(const hil_stage16 *o, const hil_chan16 *tbl, int64_t sum, int32_t c)
{
    return tbl ? hil_stage16_out_fast(o, sum, &tbl[c]) : hil_stage16_out(o, sum + hil_stage16_bias(o, c), c);
}

/* Dot products of one channel with pixel a (and b when `two`) in chunks, into int64 sums. */
static void dot16_1ch(const uint32_t *cols, const int8_t *w, int32_t k, int64_t *sa, int64_t *sb, const int two)
{
    const int32_t blocks = k / 4, tail = k % 4;
    for (int32_t j = 0; j < blocks + (tail != 0); j += CHUNK_BLOCKS) {
        int32_t n = blocks - j < CHUNK_BLOCKS ? blocks - j : CHUNK_BLOCKS, acca = 0, accb = 0;
        int32_t t = j + CHUNK_BLOCKS > blocks ? tail : 0;
        if (two)
            hil_dot_1ch(cols + 4 * j, w + 4 * j, n, t, &acca, &accb, 1);
        else
            hil_dot_1ch(cols + 4 * j, w + 4 * j, n, t, &acca, &accb, 0);
        *sa += acca, *sb += accb;
    }
}

/* 2 channels x 2 pixels per pass: the int8 core's block in chunks, int64 sums. */
static void gemm16_2px(const uint32_t *cols, const int8_t *w, int32_t k, int32_t w_stride, int32_t n_ch,
                       const hil_stage16 *o, const hil_chan16 *tbl, int16_t *out_a, int16_t *out_b)
{
    const int32_t blocks = k / 4, tail = k % 4;
    int32_t c = 0;
    for (; c + 1 < n_ch; c += 2) {
        const int8_t *w0 = w + c * w_stride, *w1 = w0 + w_stride;
        int64_t s0a = 0, s1a = 0, s0b = 0, s1b = 0;
        const uint32_t *col = cols;
        for (int32_t left = blocks; left > 0; left -= CHUNK_BLOCKS) {
            int32_t acc0a = 0, acc1a = 0, acc0b = 0, acc1b = 0;
            for (int32_t j = left < CHUNK_BLOCKS ? left : CHUNK_BLOCKS; j > 0; j--)
                HIL_BLOCK_2X2(w0, w1, col);
            s0a += acc0a, s1a += acc1a, s0b += acc0b, s1b += acc1b;
        }
        if (tail) {
            int32_t acc0a = 0, acc1a = 0, acc0b = 0, acc1b = 0;
            uint32_t t0 = hil_read_s8_tail(w0, tail, 0), t1 = hil_read_s8_tail(w1, tail, 0);
            const int8_t *tp0 = (const int8_t *)&t0, *tp1 = (const int8_t *)&t1;
            HIL_BLOCK_2X2(tp0, tp1, col);
            s0a += acc0a, s1a += acc1a, s0b += acc0b, s1b += acc1b;
        }
        out_a[c] = out16(o, tbl, s0a, c);
        out_a[c + 1] = out16(o, tbl, s1a, c + 1);
        out_b[c] = out16(o, tbl, s0b, c);
        out_b[c + 1] = out16(o, tbl, s1b, c + 1);
    }
    if (c < n_ch) { /* odd channel count: the last channel alone */
        int64_t sa = 0, sb = 0;
        dot16_1ch(cols, w + c * w_stride, k, &sa, &sb, 1);
        out_a[c] = out16(o, tbl, sa, c);
        out_b[c] = out16(o, tbl, sb, c);
    }
}

/* One block of four k for 2 channels x 1 pixel: 2 weight loads, 4 widenings, one double-word
 * column load (pixel b's two words skipped), 4 SMLADs (8 MACs). */
#define BLOCK_2X1(wp0, wp1, col)                                                                   \
    do {                                                                                           \
        uint32_t x0 = hil_ld_s8x4_ia(&(wp0)), x1 = hil_ld_s8x4_ia(&(wp1)), c0, c1;                 \
        hil_ld_2x32_ia(&(col), &c0, &c1);                                                          \
        (col) += 2;                                                                                \
        acc0 = hil_smlad(hil_sxtb16(x0), c0, acc0);                                                \
        acc0 = hil_smlad(hil_sxtb16_ror8(x0), c1, acc0);                                           \
        acc1 = hil_smlad(hil_sxtb16(x1), c0, acc1);                                                \
        acc1 = hil_smlad(hil_sxtb16_ror8(x1), c1, acc1);                                           \
    } while (0)

/* One pixel, 2 output channels per pass. */
static void gemm16_1px(const uint32_t *cols, const int8_t *w, int32_t k, int32_t w_stride, int32_t n_ch,
                       const hil_stage16 *o, const hil_chan16 *tbl, int16_t *out)
{
    const int32_t blocks = k / 4, tail = k % 4;
    int32_t c = 0;
    for (; c + 1 < n_ch; c += 2) {
        const int8_t *w0 = w + c * w_stride, *w1 = w0 + w_stride;
        int64_t s0 = 0, s1 = 0;
        const uint32_t *col = cols;
        for (int32_t left = blocks; left > 0; left -= CHUNK_BLOCKS) {
            int32_t acc0 = 0, acc1 = 0;
            for (int32_t j = left < CHUNK_BLOCKS ? left : CHUNK_BLOCKS; j > 0; j--)
                BLOCK_2X1(w0, w1, col);
            s0 += acc0, s1 += acc1;
        }
        if (tail) {
            int32_t acc0 = 0, acc1 = 0;
            uint32_t t0 = hil_read_s8_tail(w0, tail, 0), t1 = hil_read_s8_tail(w1, tail, 0);
            const int8_t *tp0 = (const int8_t *)&t0, *tp1 = (const int8_t *)&t1;
            BLOCK_2X1(tp0, tp1, col);
            s0 += acc0, s1 += acc1;
        }
        out[c] = out16(o, tbl, s0, c);
        out[c + 1] = out16(o, tbl, s1, c + 1);
    }
    if (c < n_ch) { /* odd channel count: the last channel alone */
        int64_t s = 0, unused = 0;
        dot16_1ch(cols, w + c * w_stride, k, &s, &unused, 0);
        out[c] = out16(o, tbl, s, c);
    }
}

void hil_gemm_s16(const uint32_t *cols, const int8_t *w, int32_t k, int32_t w_stride, int32_t n_ch,
                  const hil_stage16 *o, const hil_chan16 *tbl, int16_t *out_a, int16_t *out_b)
{
    if (out_b)
        gemm16_2px(cols, w, k, w_stride, n_ch, o, tbl, out_a, out_b);
    else
        gemm16_1px(cols, w, k, w_stride, n_ch, o, tbl, out_a);
}

#endif
