/* The optimized int8 matrix-multiply core (gemm_dsp.h). Not an operator: shared by the
 * optimized paths of CONV_2D and DEPTHWISE_CONV_2D. Compiled out with HIL_OPT_KERNELS == 0. */
#include "gemm_dsp.h"
#include "hil_protocol.h"

int hil_opt_enabled = 1;

#if HIL_OPT_KERNELS

void hil_chan_table(const int32_t *bias, const hil_requant *rq, int32_t out_offset, int32_t n_ch, int32_t *tbl)
{
    for (int32_t c = 0; c < n_ch; c++, tbl += HIL_CHAN_WORDS) {
        hil_chan_entry(rq, c, out_offset, tbl);
        tbl[HIL_CHAN_BIAS] = bias ? bias[c] : 0;
    }
}

#ifdef HIL_TEST_BREAK_ROUNDING
#define FOLD_OK 0 /* the test-only defect lives in the generic stage (quant.h): keep layers there */
#else
#define FOLD_OK 1
#endif

/* TFLM's requantization, one copy of its code for prepare-time use. */
__attribute__((noinline)) static int32_t requant_ref(int32_t acc, int32_t multiplier, int shift)
{
    return hil_multiply_by_quantized_multiplier(acc, multiplier, shift);
}

/* 1 when every accumulator channel c can reach requantizes to one output (stored at *out). */
static int channel_idle(const hil_requant *rq, int32_t c, const int8_t *w, int32_t bias, int32_t input_offset,
                        int32_t output_offset, int32_t taps, int32_t tap_step, int8_t *out)
{
    int64_t lo = bias, hi = bias;
    const int64_t x_lo = -128 + input_offset, x_hi = 127 + input_offset;
    for (int32_t t = 0; t < taps; t++) {
        int64_t a = w[t * tap_step] * x_lo, b = w[t * tap_step] * x_hi;
        lo += a < b ? a : b;
        hi += a < b ? b : a;
    }
    if (lo < INT32_MIN || hi > INT32_MAX) /* TFLM's int32 sum could wrap: no bound */
        return 0;
    int32_t v = requant_ref((int32_t)lo, rq->multiplier[c], rq->shift[c]);
    *out = (int8_t)hil_clamp(v + output_offset, -128, 127);
    return v == requant_ref((int32_t)hi, rq->multiplier[c], rq->shift[c]);
}

/* Below the fast stage's shifts, or a multiplier of 0 (TFLM's for a real multiplier under 2^-32). */
static int candidate(const hil_requant *rq, uint32_t c) { return rq->shift[c] < -23 || rq->multiplier[c] == 0; }

int hil_requant_fold_idle(hil_graph *g, hil_node *node, hil_requant *rq, const int8_t *w, const int32_t *bias,
                          int32_t input_offset, int32_t output_offset, int32_t taps, int32_t tap_step,
                          int32_t ch_step)
{
    if (!FOLD_OK || rq->right_shift || rq->channels < 2)
        return HIL_OK;
    for (uint32_t c = 0; c < rq->channels; c++) /* every channel fast, or a candidate */
        if (!candidate(rq, c) && (rq->multiplier[c] < 0 || rq->shift[c] > -1))
            return HIL_OK;
    int8_t out;
    for (uint32_t c = 0; c < rq->channels; c++)
        if (candidate(rq, c) && !channel_idle(rq, (int32_t)c, w + (int32_t)c * ch_step, bias ? bias[c] : 0,
                                                input_offset, output_offset, taps, tap_step, &out))
            return HIL_OK;
    int8_t *idle = hil_persistent_alloc(g, rq->channels);
    if (!idle)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    for (uint32_t c = 0; c < rq->channels; c++) {
        if (candidate(rq, c)) {
            channel_idle(rq, (int32_t)c, w + (int32_t)c * ch_step, bias ? bias[c] : 0, input_offset, output_offset,
                         taps, tap_step, &idle[c]);
            rq->multiplier[c] = 0;
            rq->shift[c] = -1;
        }
    }
    rq->idle = idle;
    rq->right_shift = 1;
    return HIL_OK;
}

void hil_cols_pack(const int8_t *a, const int8_t *b, int32_t k, int32_t input_offset, uint32_t *cols)
{
    const uint32_t off = hil_dup16(input_offset);
    const uint8_t fill = (uint8_t)(int8_t)(-input_offset); /* the zero point: 0 after the offset */
    int32_t blocks = k / 4, tail = k % 4;
    if (b) {
        for (int32_t j = 0; j < blocks; j++, cols += 4) {
            uint32_t wa = hil_ld_s8x4_ia(&a), wb = hil_ld_s8x4_ia(&b);
            cols[0] = hil_sxtab16(off, wa);
            cols[1] = hil_sxtab16_ror8(off, wa);
            cols[2] = hil_sxtab16(off, wb);
            cols[3] = hil_sxtab16_ror8(off, wb);
        }
    } else {
        for (int32_t j = 0; j < blocks; j++, cols += 4) {
            uint32_t wa = hil_ld_s8x4_ia(&a);
            cols[0] = hil_sxtab16(off, wa);
            cols[1] = hil_sxtab16_ror8(off, wa);
        }
    }
    if (tail) {
        uint32_t wa = hil_read_s8_tail(a, tail, fill);
        cols[0] = hil_sxtab16(off, wa);
        cols[1] = hil_sxtab16_ror8(off, wa);
        if (b) {
            uint32_t wb = hil_read_s8_tail(b, tail, fill);
            cols[2] = hil_sxtab16(off, wb);
            cols[3] = hil_sxtab16_ror8(off, wb);
        }
    }
}

/* 2 channels x 2 pixels per pass, fast output stage from the channel table. */
static void gemm_2px_fast(const uint32_t *cols, const int8_t *w, int32_t k, int32_t w_stride, int32_t n_ch,
                          const int32_t *tbl, int8_t *out_a, int8_t *out_b)
{
    const int32_t blocks = k / 4, tail = k % 4;
    int32_t c = 0;
    for (; c + 1 < n_ch; c += 2, tbl += 2 * HIL_CHAN_WORDS) {
        const int8_t *w0 = w + c * w_stride, *w1 = w0 + w_stride;
        int32_t acc0a = tbl[HIL_CHAN_BIAS], acc1a = tbl[HIL_CHAN_WORDS + HIL_CHAN_BIAS];
        int32_t acc0b = acc0a, acc1b = acc1a;
        const uint32_t *col = cols;
        int32_t j = blocks;
        for (; j >= 2; j -= 2) { /* unrolled twice: half the loop overhead */
            HIL_BLOCK_2X2(w0, w1, col);
            HIL_BLOCK_2X2(w0, w1, col);
        }
        if (j)
            HIL_BLOCK_2X2(w0, w1, col);
        if (tail) {
            uint32_t t0 = hil_read_s8_tail(w0, tail, 0), t1 = hil_read_s8_tail(w1, tail, 0);
            const int8_t *tp0 = (const int8_t *)&t0, *tp1 = (const int8_t *)&t1;
            HIL_BLOCK_2X2(tp0, tp1, col);
        }
        const int32_t *k = tbl;
        hil_requant_store2(acc0a, acc0b, &k, out_a + c, out_b + c);
        k = tbl + HIL_CHAN_WORDS;
        hil_requant_store2(acc1a, acc1b, &k, out_a + c + 1, out_b + c + 1);
    }
    if (c < n_ch) { /* odd channel count: the last channel alone */
        int32_t acca = tbl[HIL_CHAN_BIAS], accb = acca;
        const int32_t *k = tbl;
        hil_dot_1ch(cols, w + c * w_stride, blocks, tail, &acca, &accb, 1);
        hil_requant_store2(acca, accb, &k, out_a + c, out_b + c);
    }
}

/* One pixel (2 output channels per pass), fast output stage. */
static void gemm_1px_fast(const uint32_t *cols, const int8_t *w, int32_t k, int32_t w_stride, int32_t n_ch,
                          const int32_t *tbl, int8_t *out)
{
    const int32_t blocks = k / 4, tail = k % 4;
    for (int32_t c = 0; c < n_ch; c++, tbl += HIL_CHAN_WORDS) {
        int32_t acc = tbl[HIL_CHAN_BIAS], unused = 0;
        const int32_t *k = tbl;
        hil_dot_1ch(cols, w + c * w_stride, blocks, tail, &acc, &unused, 0);
        hil_requant_store(acc, &k, out + c);
    }
}

/* Any stage, one channel at a time: layers with a left shift or a narrowed activation range. */
static void gemm_generic(const uint32_t *cols, const int8_t *w, int32_t k, int32_t w_stride, int32_t n_ch,
                         const hil_out_stage *o, int8_t *out_a, int8_t *out_b)
{
    const int32_t blocks = k / 4, tail = k % 4;
    for (int32_t c = 0; c < n_ch; c++) {
        int32_t acca = o->bias ? o->bias[c] : 0, accb = acca;
        if (out_b)
            hil_dot_1ch(cols, w + c * w_stride, blocks, tail, &acca, &accb, 1);
        else
            hil_dot_1ch(cols, w + c * w_stride, blocks, tail, &acca, &accb, 0);
        out_a[c] = hil_out_requant(o, acca, c);
        if (out_b)
            out_b[c] = hil_out_requant(o, accb, c);
    }
}

void hil_gemm_s8(const uint32_t *cols, const int8_t *w, int32_t k, int32_t w_stride, int32_t n_ch,
                 const hil_out_stage *o, const int32_t *tbl, int8_t *out_a, int8_t *out_b)
{
    if (!tbl)
        gemm_generic(cols, w, k, w_stride, n_ch, o, out_a, out_b);
    else if (out_b)
        gemm_2px_fast(cols, w, k, w_stride, n_ch, tbl, out_a, out_b);
    else
        gemm_1px_fast(cols, w, k, w_stride, n_ch, tbl, out_a);
}

#endif
