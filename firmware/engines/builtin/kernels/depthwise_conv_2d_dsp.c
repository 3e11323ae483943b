/* DEPTHWISE_CONV_2D, int8, optimized paths (HIL_OPT_KERNELS), bit-exact with the reference
 * arithmetic of depthwise_conv_2d.c (tests/test_opt_kernels.c).
 * Depth multiplier 1: four channels at a time. One 32-bit load brings the same tap of four
 * channels (NHWC keeps them adjacent) for the input and for the weights; SXTAB16 widens the
 * input with the offset added, SXTB16 the weights, and SMLABB / SMLATT accumulate each channel
 * (channel c and c + 2 sit in the bottom and top halves of one register).
 * One input channel (any multiplier, e.g. a first layer on a grey image): each output channel
 * is an ordinary convolution of that channel, so the weights are transposed into
 * [multiplier][taps] and the windows go through the shared matrix multiply (gemm_dsp.h); a 3x3
 * window (no dilation) instead stays in six registers, three words of four input bytes widened
 * by SXTAB16, and every output channel takes six SMLADs against its weights packed to match.
 * Other multipliers keep the reference path.
 * Compiled inside depthwise_conv_2d.c's translation unit (included at its end; alone it compiles to
 * nothing): the compiler then sees the kernel whole, as before the
 * split, and generates the same instructions. Compiled separately, register allocation
 * moved DEPTHWISE_CONV_2D's instruction counts by up to 0.6% per layer. */
#ifdef HIL_DSP_IN_KERNEL_UNIT
#include <string.h>

#include "gemm_dsp.h"
#include "padding.h"

#if HIL_OPT_KERNELS

static uint32_t align8(uint32_t v) { return (v + 7u) & ~7u; }
static int32_t taps(const dw_params *p) { return p->filter_h * p->filter_w; }
static int32_t taps_padded(const dw_params *p) { return (taps(p) + 3) & ~3; }

/* DW_CHANNELS scratch, rebuilt by every invoke (the weights stay in flash, read once here),
 * one record per block of four channels, so a single pointer walks weights and constants:
 *   2 * taps words: the weights widened by SXTB16, [tap][channels c, c+2 | c+1, c+3];
 *   4 words: the bias with the input offset folded in: bias + offset * (sum of the channel's
 *            weights), exact in int32 arithmetic (modulo 2^32). Windows then read raw input
 *            bytes, and taps outside the image read the zero point, whose contribution
 *            w * zp = -w * offset cancels the folded term: TFLM skipping those taps, exactly;
 *   4 x 4 words: per channel multiplier, lo_base, hi_base + zp * 2^(e-1), e - 1 (the fast
 *            output stage of gemm_dsp.h). */
static int32_t block_words(const dw_params *p) { return 2 * taps(p) + 20; }

static uint32_t channels_scratch(const dw_params *p) { return 4u * (uint32_t)(p->in_c / 4 * block_words(p)); }

/* DW_ONE_CHANNEL scratch: transposed weights [multiplier][taps_padded], the column buffer of
 * two pixels, the channel table (fast stage), two int8 windows. */
static uint32_t one_channel_scratch(const dw_params *p, uint32_t *cols_at, uint32_t *tbl_at, uint32_t *win_at)
{
    uint32_t k = (uint32_t)taps_padded(p);
    *cols_at = align8((uint32_t)p->out_c * k);
    *tbl_at = *cols_at + 4u * hil_cols_words((int32_t)k);
    *win_at = *tbl_at + (p->fast ? hil_chan_table_bytes(p->out_c) : 0u);
    return *win_at + 2u * k;
}

static int is_3x3(const dw_params *p)
{
    return p->filter_h == 3 && p->filter_w == 3 && p->dilation_h == 1 && p->dilation_w == 1;
}

/* DW_ONE_3X3 scratch, rebuilt by every invoke: one record per output channel, its weights
 * packed as the window words of one3_read hold the taps (w[row][column]): [w00, w02],
 * [w10, w12], [w20, w22], [w01, w11], [w21, 0], its bias, then the fast stage's four constants
 * (gemm_dsp.h). */
enum { ONE3_WORDS = 10, ONE3_BIAS = 5, ONE3_STAGE = 6 };

/* The idle channels of a layer on an optimized path (gemm_dsp.h), for the fast stage. */
static int dw_fold_idle(hil_graph *g, hil_node *node, dw_params *p)
{
    if (p->act_min != -128 || p->act_max != 127 || (p->in_c != 1 && p->in_c % 4)) /* a channel tail: generic stage */
        return HIL_OK;
    const hil_tensor *bias = hil_node_input(g, node, 2);
    return hil_requant_fold_idle(g, node, &p->requant, (const int8_t *)hil_node_input(g, node, 1)->data,
                                 bias ? (const int32_t *)(const void *)bias->data : 0, p->input_offset,
                                 p->output_offset, taps(p), p->out_c, 1);
}

static int dw_dsp_prepare(hil_graph *g, hil_node *node, dw_params *p)
{
    if (!hil_opt_enabled)
        return HIL_OK;
    if (p->multiplier == 1 && p->in_c >= 4)
        p->path = DW_CHANNELS;
    else if (p->in_c == 1)
        p->path = is_3x3(p) ? DW_ONE_3X3 : DW_ONE_CHANNEL;
    else
        return HIL_OK;
    int status = dw_fold_idle(g, node, p);
    if (status != HIL_OK)
        return status;
    p->fast = (uint8_t)hil_stage_fast(&p->requant, p->act_min, p->act_max);
    if (p->path == DW_ONE_3X3 && !p->fast) /* the 3x3 path has the fast stage only */
        p->path = DW_ONE_CHANNEL;
    if (p->path == DW_CHANNELS)
        return hil_request_scratch(g, node, channels_scratch(p));
    if (p->path == DW_ONE_3X3)
        return hil_request_scratch(g, node, 4u * ONE3_WORDS * (uint32_t)p->out_c);
    uint32_t cols_at, tbl_at, win_at;
    return hil_request_scratch(g, node, one_channel_scratch(p, &cols_at, &tbl_at, &win_at));
}

static void build_blocks(const dw_params *p, const int8_t *filter, const int32_t *bias, uint32_t *bp)
{
    const int32_t ch = p->in_c, t_n = taps(p);
    for (int32_t c = 0; c + 4 <= ch; c += 4) {
        for (int32_t t = 0; t < t_n; t++) {
            uint32_t wv = hil_read_s8x4(filter + t * ch + c);
            *bp++ = hil_sxtb16(wv);
            *bp++ = hil_sxtb16_ror8(wv);
        }
        int32_t *k = (int32_t *)bp;
        for (int32_t i = 0; i < 4; i++) {
            int32_t sum = 0;
            for (int32_t t = 0; t < t_n; t++)
                sum += filter[t * ch + c + i];
            k[i] = (int32_t)((uint32_t)(bias ? bias[c + i] : 0) + (uint32_t)((int64_t)sum * p->input_offset));
            if (p->fast)
                hil_chan_entry(&p->requant, c + i, p->output_offset, k + 4 + 4 * i);
        }
        bp += 20;
    }
}

typedef struct {
    int32_t a0, a1, a2, a3; /* channels c .. c + 3 */
} acc4;

/* Nine taps of a 3x3 window for four channels: per tap one input word (the same tap of the
 * four channels), SXTB16 twice (channels c, c+2 and c+1, c+3), the widened weight pair, and
 * one 16x16 multiply-accumulate per channel. `in` is the window's top-left tap of channel c,
 * taps ch bytes apart, rows ch + rowm bytes apart. On Arm one asm block (12 registers: GCC's
 * own allocation spilled the accumulators); elsewhere the same sequence in C. */
#if HIL_SIMD_NATIVE
#define DW_TAP(addr)                                                                                \
    "ldr %[x], " addr "\n\t"                                                                       \
    "ldrd %[we], %[wo], [%[wq]], #8\n\t"                                                           \
    "sxtb16 %[xe], %[x]\n\t"                                                                       \
    "sxtb16 %[x], %[x], ror #8\n\t"                                                                \
    "smlabb %[a0], %[xe], %[we], %[a0]\n\t"                                                        \
    "smlatt %[a2], %[xe], %[we], %[a2]\n\t"                                                        \
    "smlabb %[a1], %[x], %[wo], %[a1]\n\t"                                                         \
    "smlatt %[a3], %[x], %[wo], %[a3]\n\t"
#define DW_ROW                                                                                      \
    DW_TAP("[%[p]]") DW_TAP("[%[p], %[ch]]") "add %[p], %[p], %[ch]\n\t" DW_TAP("[%[p], %[ch]]")   \
        "add %[p], %[p], %[rowm]\n\t"

HIL_INLINE void dw_block_3x3(const int8_t *in, int32_t ch, int32_t rowm, const uint32_t *wq, acc4 *r)
{
    uint32_t x, xe, we, wo;
    __asm__ volatile(DW_ROW DW_ROW DW_ROW
                     : [a0] "+r"(r->a0), [a1] "+r"(r->a1), [a2] "+r"(r->a2), [a3] "+r"(r->a3), [p] "+r"(in),
                       [wq] "+r"(wq), [x] "=&r"(x), [xe] "=&r"(xe), [we] "=&r"(we), [wo] "=&r"(wo)
                     : [ch] "r"(ch), [rowm] "r"(rowm)
                     : "memory");
}
#else
HIL_INLINE void dw_block_3x3(const int8_t *in, int32_t ch, int32_t rowm, const uint32_t *wq, acc4 *r)
{
    for (int fy = 0; fy < 3; fy++, in += rowm) {
        for (int fx = 0; fx < 3; fx++) {
            uint32_t x = hil_read_s8x4(fx == 0 ? in : in + ch), we, wo;
            if (fx == 1)
                in += ch;
            hil_ld_2x32_ia(&wq, &we, &wo);
            uint32_t xe = hil_sxtb16(x);
            x = hil_sxtb16_ror8(x);
            r->a0 = hil_smlabb(xe, we, r->a0);
            r->a2 = hil_smlatt(xe, we, r->a2);
            r->a1 = hil_smlabb(x, wo, r->a1);
            r->a3 = hil_smlatt(x, wo, r->a3);
        }
    }
}
#endif

/* The four outputs of a block: `k` points at its folded biases, its fast-stage constants
 * follow (unused by the generic stage, which requantizes like the reference). */
HIL_INLINE void store4(const dw_params *p, const int32_t *k, int32_t c, acc4 r, int8_t *out)
{
    if (p->fast) {
        const int32_t *q = k + 4;
        hil_requant_store(r.a0, &q, out);
        hil_requant_store(r.a1, &q, out + 1);
        hil_requant_store(r.a2, &q, out + 2);
        hil_requant_store(r.a3, &q, out + 3);
    } else {
        const hil_out_stage o = {0, &p->requant, p->output_offset, p->act_min, p->act_max};
        out[0] = hil_out_requant(&o, r.a0, c);
        out[1] = hil_out_requant(&o, r.a1, c + 1);
        out[2] = hil_out_requant(&o, r.a2, c + 2);
        out[3] = hil_out_requant(&o, r.a3, c + 3);
    }
}

/* A run of n output pixels of one row whose 3x3 windows lie inside the image, `in` the first
 * one's top-left tap, px_step bytes from one window to the next: every block of channels. */
__attribute__((noinline)) static void run_3x3_inside(const dw_params *p, const int8_t *in, int32_t n, int32_t px_step, const uint32_t *bp0,
                           int8_t *out)
{
    const int32_t ch = p->in_c, rowm = p->in_w * ch - ch, bw = block_words(p), blocks = ch / 4;
    for (; n > 0; n--, in += px_step, out += ch - 4 * blocks) {
        const uint32_t *bp = bp0;
        const int8_t *ib = in;
        for (int32_t c = 0; c < 4 * blocks; c += 4, ib += 4, bp += bw, out += 4) {
            const int32_t *k = (const int32_t *)(bp + 18);
            acc4 r = {k[0], k[1], k[2], k[3]};
            dw_block_3x3(ib, ch, rowm, bp, &r);
            store4(p, k, c, r, out);
        }
    }
}

/* An output pixel whose 3x3 window crosses the border: four channels at a time, the window is
 * copied into nine words, the taps outside the image filled with the zero point. */
__attribute__((noinline)) static void pixel_3x3_border(const dw_params *p, const int8_t *in_batch, int32_t in_y0, int32_t in_x0, int32_t fy0,
                             int32_t fy1, int32_t fx0, int32_t fx1, const uint32_t *bp, int8_t *out)
{
    const int32_t ch = p->in_c, row = p->in_w * ch, bw = block_words(p);
    const uint32_t zp4 = 0x01010101u * (uint8_t)(int8_t)(-p->input_offset);
    const int8_t *tap[9]; /* each tap's channel 0, NULL outside the image */
    for (int32_t t = 0; t < 9; t++) {
        int32_t fy = t / 3, fx = t % 3;
        tap[t] = fy >= fy0 && fy < fy1 && fx >= fx0 && fx < fx1 ? in_batch + (in_y0 + fy) * row + (in_x0 + fx) * ch : 0;
    }
    for (int32_t c = 0; c + 4 <= ch; c += 4, bp += bw, out += 4) {
        uint32_t win[9];
        for (int32_t t = 0; t < 9; t++)
            win[t] = tap[t] ? hil_read_s8x4(tap[t] + c) : zp4;
        const int32_t *k = (const int32_t *)(bp + 18);
        acc4 r = {k[0], k[1], k[2], k[3]};
        dw_block_3x3((const int8_t *)win, 4, 8, bp, &r);
        store4(p, k, c, r, out);
    }
}

/* Any other window (kernel size, dilation): taps [fy0, fy1) x [fx0, fx1) inside the image,
 * read in place with the offset added by SXTAB16 and the model's bias. */
static void pixel_any(const dw_params *p, const int8_t *first, const int32_t *bias, const uint32_t *bp,
                      int32_t fy0, int32_t fy1, int32_t fx0, int32_t fx1, int8_t *out)
{
    const int32_t ch = p->in_c, t_n = taps(p), bw = block_words(p);
    const int32_t step = p->dilation_w * ch, row_step = p->dilation_h * p->in_w * ch;
    const uint32_t off = hil_dup16(p->input_offset);
    for (int32_t c = 0; c + 4 <= ch; c += 4, bp += bw) {
        acc4 r = {0, 0, 0, 0};
        if (bias)
            r = (acc4){bias[c], bias[c + 1], bias[c + 2], bias[c + 3]};
        const int8_t *in = first + c;
        for (int32_t fy = fy0; fy < fy1; fy++, in += row_step) {
            const uint32_t *wq = bp + 2 * (fy * p->filter_w + fx0);
            const int8_t *ip = in;
            for (int32_t fx = fx0; fx < fx1; fx++, ip += step) {
                uint32_t x = hil_read_s8x4(ip), we, wo;
                hil_ld_2x32_ia(&wq, &we, &wo);
                uint32_t xe = hil_sxtab16(off, x);
                x = hil_sxtab16_ror8(off, x);
                r.a0 = hil_smlabb(xe, we, r.a0);
                r.a2 = hil_smlatt(xe, we, r.a2);
                r.a1 = hil_smlabb(x, wo, r.a1);
                r.a3 = hil_smlatt(x, wo, r.a3);
            }
        }
        store4(p, (const int32_t *)(bp + 2 * t_n), c, r, out + c);
    }
}

/* The last in_c % 4 channels of one output pixel, one at a time. */
static void pixel_tail(const dw_params *p, const int8_t *first, const int8_t *filter, const int32_t *bias,
                       int32_t fy0, int32_t fy1, int32_t fx0, int32_t fx1, int8_t *out)
{
    const int32_t ch = p->in_c, step = p->dilation_w * ch, row_step = p->dilation_h * p->in_w * ch;
    const hil_out_stage o = {0, &p->requant, p->output_offset, p->act_min, p->act_max};
    for (int32_t c = ch / 4 * 4; c < ch; c++) {
        int32_t acc = bias ? bias[c] : 0;
        const int8_t *in = first + c;
        for (int32_t fy = fy0; fy < fy1; fy++, in += row_step) {
            const int8_t *ip = in;
            for (int32_t fx = fx0; fx < fx1; fx++, ip += step)
                acc += (int32_t)filter[(fy * p->filter_w + fx) * ch + c] * ((int32_t)*ip + p->input_offset);
        }
        out[c] = hil_out_requant(&o, acc, c);
    }
}

static void eval_channels(const dw_params *p, const int8_t *input, const int8_t *filter, const int32_t *bias,
                          uint8_t *scratch, int8_t *out)
{
    const int32_t ch = p->in_c, row = p->in_w * ch;
    const uint32_t *bp = (const uint32_t *)(void *)scratch;
    const int is3x3 = is_3x3(p);
    build_blocks(p, filter, bias, (uint32_t *)(void *)scratch);
    /* Output columns whose windows lie inside the image horizontally: [ox_lo, ox_hi). */
    int32_t ox_lo = p->out_w, ox_hi = 0;
    for (int32_t ox = 0; ox < p->out_w; ox++) {
        int32_t fx0, fx1;
        hil_window_taps(ox * p->stride_w - p->pad_w, p->in_w, p->filter_w, p->dilation_w, &fx0, &fx1);
        if (fx0 == 0 && fx1 == p->filter_w) {
            ox_lo = ox < ox_lo ? ox : ox_lo;
            ox_hi = ox + 1;
        }
    }
    for (int32_t b = 0; b < p->batches; b++) {
        const int8_t *in_batch = input + b * p->in_h * row;
        for (int32_t oy = 0; oy < p->out_h; oy++) {
            int32_t in_y0 = oy * p->stride_h - p->pad_h, fy0, fy1;
            hil_window_taps(in_y0, p->in_h, p->filter_h, p->dilation_h, &fy0, &fy1);
            const int run = is3x3 && fy0 == 0 && fy1 == 3 && ox_lo < ox_hi;
            for (int32_t ox = 0; ox < p->out_w; ox++, out += ch) {
                int32_t in_x0 = ox * p->stride_w - p->pad_w, fx0, fx1;
                if (run && ox == ox_lo && ch % 4 == 0) { /* the row's inside pixels in one go */
                    int32_t n = ox_hi - ox_lo;
                    run_3x3_inside(p, in_batch + in_y0 * row + in_x0 * ch, n, p->stride_w * ch, bp, out);
                    ox += n - 1;
                    out += (n - 1) * ch;
                    continue;
                }
                if (run && ox >= ox_lo && ox < ox_hi) { /* one pixel, then its last channels: the
                                                         * order the alias limit assumes */
                    const int8_t *first = in_batch + in_y0 * row + in_x0 * ch;
                    run_3x3_inside(p, first, 1, 0, bp, out);
                    pixel_tail(p, first, filter, bias, 0, 3, 0, 3, out);
                    continue;
                }
                hil_window_taps(in_x0, p->in_w, p->filter_w, p->dilation_w, &fx0, &fx1);
                const int8_t *first = in_batch + (in_y0 + fy0 * p->dilation_h) * row + (in_x0 + fx0 * p->dilation_w) * ch;
                if (is3x3)
                    pixel_3x3_border(p, in_batch, in_y0, in_x0, fy0, fy1, fx0, fx1, bp, out);
                else
                    pixel_any(p, first, bias, bp, fy0, fy1, fx0, fx1, out);
                if (ch % 4)
                    pixel_tail(p, first, filter, bias, fy0, fy1, fx0, fx1, out);
            }
        }
    }
}

/* The window of output pixel (b, oy, ox) of the single input channel, taps_padded values (the
 * taps outside the image and the padding take the zero point, which the offset turns into 0).
 * `inside`: the window lies inside the image (known from the row and column ranges). */
static void window(const dw_params *p, const int8_t *in_batch, int32_t oy, int32_t ox, int inside, int8_t *dst)
{
    const int8_t pad = (int8_t)(-p->input_offset);
    const int32_t kw = p->filter_w, kh = p->filter_h, kp = taps_padded(p), dh = p->dilation_h * p->in_w;
    int32_t in_y0 = oy * p->stride_h - p->pad_h, in_x0 = ox * p->stride_w - p->pad_w;
    int32_t fy0 = 0, fy1 = kh, fx0 = 0, fx1 = kw;
    if (!inside) {
        hil_window_taps(in_y0, p->in_h, kh, p->dilation_h, &fy0, &fy1);
        hil_window_taps(in_x0, p->in_w, kw, p->dilation_w, &fx0, &fx1);
        memset(dst, pad, (size_t)kp);
    } else {
        for (int32_t t = kh * kw; t < kp; t++)
            dst[t] = pad;
    }
    const int8_t *src = in_batch + (in_y0 + fy0 * p->dilation_h) * p->in_w + in_x0;
    int8_t *d = dst + fy0 * kw;
    if (p->dilation_w == 1) {
        for (int32_t fy = fy0; fy < fy1; fy++, src += dh, d += kw)
            for (int32_t fx = fx0; fx < fx1; fx++)
                d[fx] = src[fx];
    } else {
        for (int32_t fy = fy0; fy < fy1; fy++, src += dh, d += kw)
            for (int32_t fx = fx0; fx < fx1; fx++)
                d[fx] = src[fx * p->dilation_w];
    }
}

/* [lo, hi) of the output positions along one axis whose windows lie inside the input. */
static void inside_range(int32_t out, int32_t in, int32_t k, int32_t stride, int32_t pad, int32_t dil, int32_t *lo,
                         int32_t *hi)
{
    *lo = out;
    *hi = 0;
    for (int32_t o = 0; o < out; o++) {
        int32_t f0, f1;
        hil_window_taps(o * stride - pad, in, k, dil, &f0, &f1);
        if (f0 == 0 && f1 == k) {
            *lo = o < *lo ? o : *lo;
            *hi = o + 1;
        }
    }
}

static void eval_one_channel(const dw_params *p, const int8_t *input, const int8_t *filter, const int32_t *bias,
                             uint8_t *scratch, int8_t *out)
{
    const int32_t k = taps(p), kp = taps_padded(p), m = p->out_c;
    uint32_t cols_at, tbl_at, win_at;
    one_channel_scratch(p, &cols_at, &tbl_at, &win_at);
    int8_t *wt = (int8_t *)scratch;
    uint32_t *cols = (uint32_t *)(void *)(scratch + cols_at);
    int32_t *tbl = p->fast ? (int32_t *)(void *)(scratch + tbl_at) : 0;
    int8_t *win[2] = {(int8_t *)(scratch + win_at), (int8_t *)(scratch + win_at) + kp};
    for (int32_t c = 0; c < m; c++) /* [taps][channels] -> [channels][taps], zero padded */
        for (int32_t t = 0; t < kp; t++)
            wt[c * kp + t] = t < k ? filter[t * m + c] : 0;
    const hil_out_stage o = {bias, &p->requant, p->output_offset, p->act_min, p->act_max};
    if (tbl)
        hil_chan_table(bias, &p->requant, p->output_offset, m, tbl);
    int32_t oy_lo, oy_hi, ox_lo, ox_hi;
    inside_range(p->out_h, p->in_h, p->filter_h, p->stride_h, p->pad_h, p->dilation_h, &oy_lo, &oy_hi);
    inside_range(p->out_w, p->in_w, p->filter_w, p->stride_w, p->pad_w, p->dilation_w, &ox_lo, &ox_hi);
    /* Pixels in pairs, in raster order across rows and batches. */
    int32_t n = 0;
    int8_t *pair_out = out;
    for (int32_t b = 0; b < p->batches; b++) {
        const int8_t *in_batch = input + b * p->in_h * p->in_w;
        for (int32_t oy = 0; oy < p->out_h; oy++) {
            for (int32_t ox = 0; ox < p->out_w; ox++) {
                window(p, in_batch, oy, ox, oy >= oy_lo && oy < oy_hi && ox >= ox_lo && ox < ox_hi, win[n]);
                if (++n == 2) {
                    hil_cols_pack(win[0], win[1], kp, p->input_offset, cols);
                    hil_gemm_s8(cols, wt, kp, kp, m, &o, tbl, pair_out, pair_out + m);
                    pair_out += 2 * m;
                    n = 0;
                }
            }
        }
    }
    if (n) {
        hil_cols_pack(win[0], 0, kp, p->input_offset, cols);
        hil_gemm_s8(cols, wt, kp, kp, m, &o, tbl, pair_out, 0);
    }
}

static uint32_t pack16(int8_t lo, int8_t hi) { return (uint32_t)(uint16_t)lo | (uint32_t)(uint16_t)hi << 16; }

static void build_one3(const dw_params *p, const int8_t *filter, const int32_t *bias, uint32_t *rec)
{
    const int32_t m = p->out_c;
    for (int32_t c = 0; c < m; c++, rec += ONE3_WORDS) {
        const int8_t *w = filter + c; /* tap (r, x) at w[(3 * r + x) * m] */
        rec[0] = pack16(w[0], w[2 * m]);
        rec[1] = pack16(w[3 * m], w[5 * m]);
        rec[2] = pack16(w[6 * m], w[8 * m]);
        rec[3] = pack16(w[m], w[4 * m]);
        rec[4] = pack16(w[7 * m], 0);
        rec[ONE3_BIAS] = bias ? (uint32_t)bias[c] : 0u;
        hil_chan_entry(&p->requant, c, p->output_offset, (int32_t *)(rec + ONE3_STAGE));
    }
}

/* The window words of pixel_one3: the offset added, [x00, x02], [x10, x12], [x20, x22],
 * [x01, x11], [x21, x23] from three rows of four bytes (x23 meets a zero weight). */
typedef struct {
    uint32_t r0, r1, r2, mid, r2o;
} one3_window;

HIL_INLINE one3_window one3_read(const int8_t *row0, const int8_t *row1, const int8_t *row2, uint32_t off)
{
    uint32_t a = hil_read_s8x4(row0), b = hil_read_s8x4(row1), c = hil_read_s8x4(row2);
    one3_window w = {hil_sxtab16(off, a), hil_sxtab16(off, b), hil_sxtab16(off, c), 0, hil_sxtab16_ror8(off, c)};
    w.mid = hil_pkhbt16(hil_sxtab16_ror8(off, a), hil_sxtab16_ror8(off, b));
    return w;
}

/* Every output channel [out, end) of one pixel: five SMLADs per channel, then the fast output
 * stage of gemm_dsp.h (a condition of the path). On Arm the channel loop is one asm block of 13
 * registers (GCC's allocation reloaded the window from the stack per channel); elsewhere the
 * same in C. */
#if HIL_SIMD_NATIVE
HIL_INLINE void one3_fast(one3_window x, const uint32_t *rec, int8_t *out, const int8_t *end)
{
    int32_t acc, a, b, t, e;
    __asm__ volatile("1:\n\t"
                     "ldrd %[a], %[acc], [%[r], #16]\n\t" /* [w21, 0], bias */
                     "smlad %[acc], %[x4], %[a], %[acc]\n\t"
                     "ldrd %[a], %[b], [%[r]]\n\t"
                     "smlad %[acc], %[x0], %[a], %[acc]\n\t"
                     "smlad %[acc], %[x1], %[b], %[acc]\n\t"
                     "ldrd %[a], %[b], [%[r], #8]\n\t"
                     "smlad %[acc], %[x2], %[a], %[acc]\n\t"
                     "smlad %[acc], %[x3], %[b], %[acc]\n\t"
                     "ldrd %[a], %[b], [%[r], #24]\n\t" /* multiplier, lo_base */
                     "and %[t], %[acc], #0x80000000\n\t"
                     "adds %[b], %[b], %[t]\n\t"
                     "ldrd %[t], %[e], [%[r], #32]\n\t" /* hi_base, e - 1 */
                     "adc %[t], %[t], %[acc], asr #31\n\t"
                     "smlal %[b], %[t], %[acc], %[a]\n\t"
                     "asr %[t], %[t], %[e]\n\t"
                     "ssat %[t], #8, %[t]\n\t"
                     "strb %[t], [%[o]], #1\n\t"
                     "add %[r], %[r], #40\n\t"
                     "cmp %[o], %[end]\n\t"
                     "bne 1b\n\t"
                     : [acc] "=&r"(acc), [a] "=&r"(a), [b] "=&r"(b), [t] "=&r"(t), [e] "=&r"(e), [r] "+r"(rec),
                       [o] "+r"(out)
                     : [end] "r"(end), [x0] "r"(x.r0), [x1] "r"(x.r1), [x2] "r"(x.r2), [x3] "r"(x.mid),
                       [x4] "r"(x.r2o)
                     : "memory", "cc");
}
#else
HIL_INLINE void one3_fast(one3_window x, const uint32_t *rec, int8_t *out, const int8_t *end)
{
    for (; out < end; out++, rec += ONE3_WORDS) {
        int32_t acc = hil_smlad(x.r2o, rec[4], (int32_t)rec[ONE3_BIAS]);
        acc = hil_smlad(x.r1, rec[1], hil_smlad(x.r0, rec[0], acc));
        acc = hil_smlad(x.mid, rec[3], hil_smlad(x.r2, rec[2], acc));
        const int32_t *k = (const int32_t *)(rec + ONE3_STAGE);
        hil_requant_store(acc, &k, out);
    }
}
#endif

/* A window crossing the border (or whose fourth bytes would lie past a row): copied into
 * three rows of four bytes, the taps outside the image the zero point (0 once offset). */
static one3_window border_one3(const dw_params *p, const int8_t *in_batch, int32_t in_y0, int32_t in_x0,
                               uint32_t off)
{
    int8_t win[12];
    int32_t fy0, fy1, fx0, fx1;
    hil_window_taps(in_y0, p->in_h, 3, 1, &fy0, &fy1);
    hil_window_taps(in_x0, p->in_w, 3, 1, &fx0, &fx1);
    memset(win, (int8_t)(-p->input_offset), sizeof win);
    for (int32_t r = fy0; r < fy1; r++)
        for (int32_t x = fx0; x < fx1; x++)
            win[4 * r + x] = in_batch[(in_y0 + r) * p->in_w + in_x0 + x];
    return one3_read(win, win + 4, win + 8, off);
}

static void eval_one3(const dw_params *p, const int8_t *input, const int8_t *filter, const int32_t *bias,
                      uint8_t *scratch, int8_t *out)
{
    const uint32_t *rec = (const uint32_t *)(void *)scratch;
    const uint32_t off = hil_dup16(p->input_offset);
    const int32_t w = p->in_w, step = p->stride_w;
    build_one3(p, filter, bias, (uint32_t *)(void *)scratch);
    int32_t oy_lo, oy_hi, ox_lo, ox_hi; /* windows inside the image with their fourth bytes */
    inside_range(p->out_h, p->in_h, 3, p->stride_h, p->pad_h, 1, &oy_lo, &oy_hi);
    inside_range(p->out_w, p->in_w, 4, p->stride_w, p->pad_w, 1, &ox_lo, &ox_hi);
    for (int32_t b = 0; b < p->batches; b++) {
        const int8_t *in_batch = input + b * p->in_h * w;
        for (int32_t oy = 0; oy < p->out_h; oy++) {
            const int32_t in_y0 = oy * p->stride_h - p->pad_h, inside_row = oy >= oy_lo && oy < oy_hi;
            for (int32_t ox = 0; ox < p->out_w; ox++, out += p->out_c) {
                const int32_t in_x0 = ox * step - p->pad_w;
                if (inside_row && ox >= ox_lo && ox < ox_hi) {
                    const int8_t *r0 = in_batch + in_y0 * w + in_x0;
                    one3_fast(one3_read(r0, r0 + w, r0 + 2 * w, off), rec, out, out + p->out_c);
                } else {
                    one3_fast(border_one3(p, in_batch, in_y0, in_x0, off), rec, out, out + p->out_c);
                }
            }
        }
    }
}

static int dw_dsp_eval(hil_graph *g, hil_node *node)
{
    const dw_params *p = node->params;
    const int8_t *input = (const int8_t *)hil_node_input(g, node, 0)->data;
    const int8_t *filter = (const int8_t *)hil_node_input(g, node, 1)->data;
    const hil_tensor *bias_t = hil_node_input(g, node, 2);
    const int32_t *bias = bias_t ? (const int32_t *)(const void *)bias_t->data : 0;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    if (p->path == DW_ONE_3X3)
        eval_one3(p, input, filter, bias, hil_scratch(g, node), out);
    else if (p->path == DW_ONE_CHANNEL)
        eval_one_channel(p, input, filter, bias, hil_scratch(g, node), out);
    else
        eval_channels(p, input, filter, bias, hil_scratch(g, node), out);
    return HIL_OK;
}

#else

static int dw_dsp_prepare(hil_graph *g, hil_node *node, dw_params *p) { return HIL_OK; }
static int dw_dsp_eval(hil_graph *g, hil_node *node) { return HIL_ERR_INVOKE_FAILED; }

#endif

#endif /* HIL_DSP_IN_KERNEL_UNIT */
