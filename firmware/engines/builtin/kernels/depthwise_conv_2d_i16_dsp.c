/* DEPTHWISE_CONV_2D 16x8, optimized path (HIL_OPT_KERNELS), depth multiplier 1: four channels
 * per pass, bit for bit equal to depthwise_conv_2d_i16.c's reference loop. Per tap two words
 * bring the same tap of four int16 channels ([c0, c1], [c2, c3]) and one word the four weights,
 * which SXTB16 widens to [w0, w2], [w1, w3]; SMLABB / SMLATB / SMLABT / SMLATT then multiply
 * each channel's halves. The window's taps inside the image are the reference's (no input
 * offset in 16x8, so border taps need no zero point). Sums stay in int32: the prepare admits
 * this path for at most 256 taps of |product| <= 2^22. */
#include <string.h>

#include "depthwise_conv_2d_i16.h"
#include "simd.h"

#if HIL_OPT_KERNELS

HIL_INLINE uint32_t read_word(const void *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

int32_t hil_dw16_pixel_opt(const hil_dw16_params *p, const hil_chan16 *tbl, const int16_t *in_batch,
                           const int8_t *filter, int32_t in_y0, int32_t in_x0, int32_t fy0, int32_t fy1, int32_t fx0,
                           int32_t fx1, int16_t *out)
{
    const int32_t ch = p->in_c, row = p->in_w * ch, tap_step = p->dilation_w * ch;
    int32_t c = 0;
    for (; c + 4 <= ch; c += 4) {
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        for (int32_t fy = fy0; fy < fy1; fy++) {
            const int16_t *x = in_batch + (in_y0 + fy * p->dilation_h) * row + (in_x0 + fx0 * p->dilation_w) * ch + c;
            const int8_t *w = filter + (fy * p->filter_w + fx0) * ch + c;
            for (int32_t fx = fx0; fx < fx1; fx++, x += tap_step, w += ch) {
                uint32_t x01 = read_word(x), x23 = read_word(x + 2), wv = hil_read_s8x4(w);
                uint32_t w02 = hil_sxtb16(wv), w13 = hil_sxtb16_ror8(wv);
                a0 = hil_smlabb(x01, w02, a0);
                a1 = hil_smlatb(x01, w13, a1);
                a2 = hil_smlabt(x23, w02, a2);
                a3 = hil_smlatt(x23, w13, a3);
            }
        }
        out[c] = hil_stage16_out_fast(&p->stage, a0, &tbl[c]);
        out[c + 1] = hil_stage16_out_fast(&p->stage, a1, &tbl[c + 1]);
        out[c + 2] = hil_stage16_out_fast(&p->stage, a2, &tbl[c + 2]);
        out[c + 3] = hil_stage16_out_fast(&p->stage, a3, &tbl[c + 3]);
    }
    return c;
}

#else

int32_t hil_dw16_pixel_opt(const hil_dw16_params *p, const hil_chan16 *tbl, const int16_t *in_batch,
                           const int8_t *filter, int32_t in_y0, int32_t in_x0, int32_t fy0, int32_t fy1, int32_t fx0,
                           int32_t fx1, int16_t *out)
{
    return 0;
}

#endif
