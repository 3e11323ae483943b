/* The int8 matrix-multiply core shared by the optimized CONV_2D, DEPTHWISE_CONV_2D (one input
 * channel) and their im2col: out[px][ch] = requant(bias[ch] + sum_k w[ch][k] * (x[px][k] + offset)).
 *
 * Inputs go through a small "column" buffer first: the K values of one or two pixels, offset
 * added and widened to 16 bits by SXTAB16, in the order SXTB16 produces from four weight bytes
 * ([x0, x2], [x1, x3]), so one SMLAD multiplies two weight/input pairs with no repacking. The
 * two pixels are interleaved per block of four values: A(x0,x2) A(x1,x3) B(x0,x2) B(x1,x3).
 * The kernel then computes 2 output channels x 2 pixels per pass (4 accumulators), so every
 * weight word loaded and widened feeds 4 SMLADs. All arithmetic is int32 like TFLM's; the
 * order of the additions differs, which cannot change a result computed modulo 2^32. */
#ifndef HIL_GEMM_DSP_H
#define HIL_GEMM_DSP_H
#include <stdint.h>

#include "quant.h"
#include "simd.h"

typedef struct {
    const int32_t *bias; /* one per output channel, or NULL */
    const hil_requant *rq;
    int32_t out_offset, act_min, act_max;
} hil_out_stage;

/* The fast output stage applies: every shift a right shift (hil_requant_r1) and a fused
 * activation that clamps to all of int8 (one SSAT). Otherwise TFLM's generic form and an
 * explicit clamp. Known at prepare. */
static inline int hil_stage_fast(const hil_requant *rq, int32_t act_min, int32_t act_max)
{
    return rq->right_shift && act_min == -128 && act_max == 127;
}

/* Channels whose requantization shift lies below the fast stage's range (e > 23, a multiplier
 * under 2^-23, or 0 under 2^-32: in trained models, channels pruned to near-zero weight scales)
 * keep a layer on the generic stage. Such a channel's output is often one constant for every input: its
 * accumulator lies in [lo, hi] (bias plus each weight times the input range with the offset),
 * and as TFLM's requantization is monotonic in the accumulator, lo and hi requantizing to the
 * same value proves every accumulator in between does. Those channels get multiplier 0, shift
 * -1 and their output in rq->idle, so the layer takes the fast stage when no other channel
 * stands in the way (activation clamping to all of int8). Weights of channel c:
 * w[c * ch_step + t * tap_step], t < taps. Called at prepare by optimized paths whose every
 * output goes through the fast stage's table (hil_chan_entry; the reference keeps TFLM's
 * parameters). */
int hil_requant_fold_idle(hil_graph *g, hil_node *node, hil_requant *rq, const int8_t *w, const int32_t *bias,
                          int32_t input_offset, int32_t output_offset, int32_t taps, int32_t tap_step,
                          int32_t ch_step);

/* Per output channel constants of the fast stage, built into scratch once per invoke (a
 * per-tensor multiplier is repeated): multiplier, lo_base, hi_base + zp * 2^(e-1), e - 1, bias.
 * Reading them costs less than deriving the rounding constants from the shift, and the output
 * zero point rides in the rounding constant: floor((X + zp * 2^(31+e)) / 2^(31+e)) is
 * floor(X / 2^(31+e)) + zp exactly, and for e <= 23 neither the 64-bit sum nor hi_base
 * overflows (|acc * m| < 2^62, |zp| * 2^(31+e) <= 2^61). */
enum { HIL_CHAN_WORDS = 5, HIL_CHAN_BIAS = 4 };
static inline uint32_t hil_chan_table_bytes(int32_t n_ch) { return 4u * HIL_CHAN_WORDS * (uint32_t)n_ch; }
void hil_chan_table(const int32_t *bias, const hil_requant *rq, int32_t out_offset, int32_t n_ch, int32_t *tbl);

/* Words 0..3 of channel c's table entry. */
static inline void hil_chan_entry(const hil_requant *rq, int32_t c, int32_t out_offset, int32_t *t)
{
    int32_t i = rq->channels > 1 ? c : 0, hi, e1;
    uint32_t lo;
    if (rq->idle && rq->multiplier[i] == 0) { /* hil_requant_r1 with these gives idle[i] for any acc */
        t[0] = 0;
        t[1] = (int32_t)0x80000000u;
        t[2] = rq->idle[i];
        t[3] = 0;
        return;
    }
    hil_requant_r1_consts(rq->shift[i], &lo, &hi, &e1);
    t[0] = rq->multiplier[i];
    t[1] = (int32_t)lo;
    t[2] = (int32_t)((uint32_t)hi + ((uint32_t)out_offset << e1));
    t[3] = e1;
}

/* The fast stage for one or two accumulators of one channel: the constants at *k (words 0..3
 * of an entry; *k advances past them), the results stored at dst_a (and dst_b). On Arm one asm
 * block: two LDRD, then AND, ADDS, ADC, SMLAL, ASR, SSAT, STRB per output. */
#if HIL_SIMD_NATIVE
#define HIL_RQ_ONE(acc, dst)                                                                        \
    "and %[t], " acc ", #0x80000000\n\t"                                                           \
    "adds %[lo], %[lob], %[t]\n\t"                                                                 \
    "adc %[hi], %[hib], " acc ", asr #31\n\t"                                                      \
    "smlal %[lo], %[hi], " acc ", %[m]\n\t"                                                        \
    "asr %[hi], %[hi], %[e]\n\t"                                                                   \
    "ssat %[hi], #8, %[hi]\n\t"                                                                    \
    "strb %[hi], [" dst "]\n\t"

HIL_INLINE void hil_requant_store(int32_t acc, const int32_t **k, int8_t *dst)
{
    int32_t m, lob, hib, e, lo, hi, t;
    __asm__ volatile("ldrd %[m], %[lob], [%[k]], #8\n\t"
                     "ldrd %[hib], %[e], [%[k]], #8\n\t" HIL_RQ_ONE("%[a]", "%[da]")
                     : [k] "+r"(*k), [m] "=&r"(m), [lob] "=&r"(lob), [hib] "=&r"(hib), [e] "=&r"(e),
                       [lo] "=&r"(lo), [hi] "=&r"(hi), [t] "=&r"(t)
                     : [a] "r"(acc), [da] "r"(dst)
                     : "memory", "cc");
}

HIL_INLINE void hil_requant_store2(int32_t acc_a, int32_t acc_b, const int32_t **k, int8_t *dst_a, int8_t *dst_b)
{
    int32_t m, lob, hib, e, lo, hi, t;
    __asm__ volatile("ldrd %[m], %[lob], [%[k]], #8\n\t"
                     "ldrd %[hib], %[e], [%[k]], #8\n\t" HIL_RQ_ONE("%[a]", "%[da]") HIL_RQ_ONE("%[b]", "%[db]")
                     : [k] "+r"(*k), [m] "=&r"(m), [lob] "=&r"(lob), [hib] "=&r"(hib), [e] "=&r"(e),
                       [lo] "=&r"(lo), [hi] "=&r"(hi), [t] "=&r"(t)
                     : [a] "r"(acc_a), [b] "r"(acc_b), [da] "r"(dst_a), [db] "r"(dst_b)
                     : "memory", "cc");
}
#else
HIL_INLINE void hil_requant_store(int32_t acc, const int32_t **k, int8_t *dst)
{
    const int32_t *t = *k;
    *dst = (int8_t)hil_ssat8(hil_requant_r1(acc, t[0], (uint32_t)t[1], t[2], t[3]));
    *k += 4;
}

HIL_INLINE void hil_requant_store2(int32_t acc_a, int32_t acc_b, const int32_t **k, int8_t *dst_a, int8_t *dst_b)
{
    const int32_t *t = *k;
    *dst_a = (int8_t)hil_ssat8(hil_requant_r1(acc_a, t[0], (uint32_t)t[1], t[2], t[3]));
    *dst_b = (int8_t)hil_ssat8(hil_requant_r1(acc_b, t[0], (uint32_t)t[1], t[2], t[3]));
    *k += 4;
}
#endif

/* Words of column buffer for `k` values of two pixels (blocks of four values, rounded up). */
static inline uint32_t hil_cols_words(int32_t k) { return 4u * (uint32_t)((k + 3) / 4); }

/* Packs k int8 values of pixel a (and of pixel b, or nothing when b is NULL) into `cols`; the
 * values past k in the last block become 0 (they are multiplied by zero weights). */
void hil_cols_pack(const int8_t *a, const int8_t *b, int32_t k, int32_t input_offset, uint32_t *cols);

/* Every output channel of one or two pixels (out_b NULL: one pixel, column b unused). Weights
 * of channel c start at w + c * w_stride and hold k values. `tbl` is the channel table when
 * the stage is fast (hil_stage_fast), NULL otherwise. */
void hil_gemm_s8(const uint32_t *cols, const int8_t *w, int32_t k, int32_t w_stride, int32_t n_ch,
                 const hil_out_stage *o, const int32_t *tbl, int8_t *out_a, int8_t *out_b);

/* The inner blocks of the matrix multiply, shared by the int8 core (gemm_dsp.c) and the 16x8
 * one (gemm_dsp16.c): both multiply int8 weights with 16-bit columns. */
#if HIL_OPT_KERNELS

/* One block of four k for 2 channels x 2 pixels: 2 weight loads, 4 widenings, 2 double-word
 * column loads, 8 SMLADs (16 MACs). Written in the order that needs the fewest registers: the
 * two weight words widened, pixel a's columns used by both channels, then pixel b's columns
 * loaded into the same registers. */
#define HIL_BLOCK_2X2(wp0, wp1, col)                                                               \
    do {                                                                                           \
        uint32_t x0 = hil_ld_s8x4_ia(&(wp0)), x1 = hil_ld_s8x4_ia(&(wp1)), c0, c1;                 \
        hil_ld_2x32_ia(&(col), &c0, &c1);                                                          \
        uint32_t w0e = hil_sxtb16(x0), w0o = hil_sxtb16_ror8(x0);                                  \
        acc0a = hil_smlad(w0e, c0, acc0a);                                                         \
        acc0a = hil_smlad(w0o, c1, acc0a);                                                         \
        uint32_t w1e = hil_sxtb16(x1), w1o = hil_sxtb16_ror8(x1);                                  \
        acc1a = hil_smlad(w1e, c0, acc1a);                                                         \
        acc1a = hil_smlad(w1o, c1, acc1a);                                                         \
        hil_ld_2x32_ia(&(col), &c0, &c1);                                                          \
        acc0b = hil_smlad(w0e, c0, acc0b);                                                         \
        acc0b = hil_smlad(w0o, c1, acc0b);                                                         \
        acc1b = hil_smlad(w1e, c0, acc1b);                                                         \
        acc1b = hil_smlad(w1o, c1, acc1b);                                                         \
    } while (0)

/* The same for one channel and pixel a (and pixel b when `two`). */
HIL_INLINE void hil_block_1ch(uint32_t x, const uint32_t *col, int32_t *acca, int32_t *accb, const int two)
{
    uint32_t we = hil_sxtb16(x), wo = hil_sxtb16_ror8(x);
    *acca = hil_smlad(we, col[0], *acca);
    *acca = hil_smlad(wo, col[1], *acca);
    if (two) {
        *accb = hil_smlad(we, col[2], *accb);
        *accb = hil_smlad(wo, col[3], *accb);
    }
}

/* Dot products of one channel's k weights with the columns of pixel a (and b when `two`). */
HIL_INLINE void hil_dot_1ch(const uint32_t *col, const int8_t *w, int32_t blocks, int32_t tail, int32_t *acca,
                        int32_t *accb, const int two)
{
    for (int32_t j = 0; j < blocks; j++, col += 4)
        hil_block_1ch(hil_ld_s8x4_ia(&w), col, acca, accb, two);
    if (tail)
        hil_block_1ch(hil_read_s8_tail(w, tail, 0), col, acca, accb, two);
}

#endif

/* TFLM's requantization of one accumulator of channel c (generic stage), zero point, clamp. */
static inline int8_t hil_out_requant(const hil_out_stage *o, int32_t acc, int32_t c)
{
    int32_t i = o->rq->channels > 1 ? c : 0;
    int32_t v = hil_multiply_by_quantized_multiplier(acc, o->rq->multiplier[i], o->rq->shift[i]) + o->out_offset;
    return (int8_t)hil_clamp(v, o->act_min, o->act_max);
}

#endif
