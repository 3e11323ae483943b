/* DEPTHWISE_CONV_2D, int8, depth multiplier 1, Helium path (HIL_MVE_KERNELS), bit-exact with the
 * reference arithmetic of depthwise_conv_2d.c (firmware/tests/test_opt_kernels.c in the
 * HIL_MVE_EMULATION build, and on QEMU's Cortex-M55). Other multipliers keep the DSP paths.
 * Eight channels per vector in 16-bit lanes (NHWC keeps them adjacent), their sums in two
 * 32-bit vectors (even and odd channels); taps outside the image are skipped as in TFLM. A
 * channel count that is not a multiple of eight ends with a predicated block. Reads and writes
 * interleave per pixel and block of channels, in the reference's order. */
#include "depthwise_conv_2d.h"
#include "mve.h"
#include "padding.h"

#if HIL_MVE_KERNELS

int hil_dw_mve_prepare(hil_graph *g, hil_node *node, dw_params *p)
{
    if (hil_opt_enabled && p->multiplier == 1)
        p->path = DW_MVE;
    return HIL_OK;
}

/* The requantized outputs of channels c .. c + n - 1 (n <= 8) from the even-channel (c, c + 2,
 * ...) and odd-channel accumulators, stored in channel order: VMOVNB / VMOVNT interleave the two
 * back into 16-bit lanes, VSTRB.16 stores their low bytes. */
static void store8(const dw_params *p, const int32_t *bias, int32_t c, int32_t n, int32x4_t ae, int32x4_t ao,
                   int8_t *out)
{
    const hil_requant *rq = &p->requant;
    const uint32x4_t even = vidupq_n_u32(0, 2), odd = vidupq_n_u32(1, 2);
    const mve_pred16_t pe = vctp32q((uint32_t)(n + 1) / 2), po = vctp32q((uint32_t)n / 2);
    int32x4_t me, se, mo, so;
    if (rq->channels > 1) {
        me = vldrwq_gather_shifted_offset_z_s32(rq->multiplier + c, even, pe);
        mo = vldrwq_gather_shifted_offset_z_s32(rq->multiplier + c, odd, po);
        se = vldrbq_gather_offset_z_s32(rq->shift + c, even, pe);
        so = vldrbq_gather_offset_z_s32(rq->shift + c, odd, po);
    } else {
        me = mo = vdupq_n_s32(rq->multiplier[0]);
        se = so = vdupq_n_s32(rq->shift[0]);
    }
    if (bias) {
        ae = vaddq_s32(ae, vldrwq_gather_shifted_offset_z_s32(bias + c, even, pe));
        ao = vaddq_s32(ao, vldrwq_gather_shifted_offset_z_s32(bias + c, odd, po));
    }
    ae = hil_mve_requant4(ae, me, se, p->output_offset, p->act_min, p->act_max);
    ao = hil_mve_requant4(ao, mo, so, p->output_offset, p->act_min, p->act_max);
    vstrbq_p_s16(out + c, vmovntq_s32(vmovnbq_s32(vdupq_n_s16(0), ae), ao), vctp16q((uint32_t)n));
}

/* Eight channels' window sums, even and odd channels apart: per tap one widening load (VLDRB.S16)
 * of the inputs, the offset added in 16 bits (x + offset fits), one of the weights, VMULLB and
 * VMULLT for the 32-bit products, two adds. `full`: no predication (all eight channels). */
HIL_INLINE void sums8(const dw_params *p, const int8_t *in_row, const int8_t *w_row, int32_t taps_y, int32_t taps_x,
                      mve_pred16_t pred, const int full, int32x4_t *ae, int32x4_t *ao)
{
    const int32_t ch = p->out_c, step = p->dilation_w * ch, row_step = p->dilation_h * p->in_w * ch;
    const int16_t offset = (int16_t)p->input_offset;
    int32x4_t e = vdupq_n_s32(0), o = e;
    for (int32_t fy = 0; fy < taps_y; fy++, in_row += row_step, w_row += p->filter_w * ch) {
        const int8_t *in = in_row, *w = w_row;
        for (int32_t fx = 0; fx < taps_x; fx++, in += step, w += ch) {
            int16x8_t x = vaddq_n_s16(full ? vldrbq_s16(in) : vldrbq_z_s16(in, pred), offset);
            int16x8_t wv = full ? vldrbq_s16(w) : vldrbq_z_s16(w, pred);
            e = vaddq_s32(e, vmullbq_int_s16(x, wv));
            o = vaddq_s32(o, vmulltq_int_s16(x, wv));
        }
    }
    *ae = e, *ao = o;
}

/* Every channel of one output pixel: taps [fy0, fy1) x [fx0, fx1) inside the image, `first`
 * the input of tap (fy0, fx0), channel 0. */
static void dw_pixel(const dw_params *p, const int8_t *first, const int8_t *filter, const int32_t *bias,
                     int32_t fy0, int32_t fy1, int32_t fx0, int32_t fx1, int8_t *out)
{
    const int32_t ch = p->out_c;
    const int8_t *w_first = filter + (fy0 * p->filter_w + fx0) * ch;
    int32_t c = 0;
    int32x4_t ae, ao;
    for (; c + 8 <= ch; c += 8) {
        sums8(p, first + c, w_first + c, fy1 - fy0, fx1 - fx0, 0xFFFFu, 1, &ae, &ao);
        store8(p, bias, c, 8, ae, ao, out);
    }
    if (c < ch) {
        sums8(p, first + c, w_first + c, fy1 - fy0, fx1 - fx0, vctp16q((uint32_t)(ch - c)), 0, &ae, &ao);
        store8(p, bias, c, ch - c, ae, ao, out);
    }
}

int hil_dw_mve_eval(hil_graph *g, hil_node *node)
{
    const dw_params *p = node->params;
    const int8_t *input = (const int8_t *)hil_node_input(g, node, 0)->data;
    const int8_t *filter = (const int8_t *)hil_node_input(g, node, 1)->data;
    const hil_tensor *bias_t = hil_node_input(g, node, 2);
    const int32_t *bias = bias_t ? (const int32_t *)(const void *)bias_t->data : 0;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    HIL_MVE_RAN();
    for (int32_t b = 0; b < p->batches; b++) {
        const int8_t *in_batch = input + b * p->in_h * p->in_w * p->in_c;
        for (int32_t oy = 0; oy < p->out_h; oy++) {
            int32_t in_y0 = oy * p->stride_h - p->pad_h, fy0, fy1;
            hil_window_taps(in_y0, p->in_h, p->filter_h, p->dilation_h, &fy0, &fy1);
            for (int32_t ox = 0; ox < p->out_w; ox++, out += p->out_c) {
                int32_t in_x0 = ox * p->stride_w - p->pad_w, fx0, fx1;
                hil_window_taps(in_x0, p->in_w, p->filter_w, p->dilation_w, &fx0, &fx1);
                const int8_t *first =
                    in_batch + ((in_y0 + fy0 * p->dilation_h) * p->in_w + in_x0 + fx0 * p->dilation_w) * p->in_c;
                dw_pixel(p, first, filter, bias, fy0, fy1, fx0, fx1, out);
            }
        }
    }
    return HIL_OK;
}

#else

int hil_dw_mve_prepare(hil_graph *g, hil_node *node, dw_params *p) { return HIL_OK; }
int hil_dw_mve_eval(hil_graph *g, hil_node *node) { return HIL_ERR_INVOKE_FAILED; }

#endif
