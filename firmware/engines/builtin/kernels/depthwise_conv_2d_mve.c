/* DEPTHWISE_CONV_2D, int8, depth multiplier 1, Helium path (HIL_MVE_KERNELS), bit-exact with the
 * reference arithmetic of depthwise_conv_2d.c (firmware/tests/test_opt_kernels.c in the
 * HIL_MVE_EMULATION build, and on QEMU's Cortex-M55). Other multipliers keep the DSP paths.
 * Four channels per vector in 32-bit lanes: per window tap one widening load of the four
 * channels' inputs (NHWC keeps them adjacent) and of their weights, the input offset added,
 * multiplied and accumulated lane by lane; taps outside the image are skipped as in TFLM. The
 * four accumulators are requantized together (mve.h) and stored; a channel count that is not a
 * multiple of four ends with a predicated block. Reads and writes interleave per pixel and
 * block of channels, in the reference's order. */
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

/* Every channel of one output pixel: taps [fy0, fy1) x [fx0, fx1) inside the image, `first`
 * the input of tap (fy0, fx0), channel 0. */
static void dw_pixel(const dw_params *p, const int8_t *first, const int8_t *filter, const int32_t *bias,
                     int32_t fy0, int32_t fy1, int32_t fx0, int32_t fx1, int8_t *out)
{
    const int32_t ch = p->out_c, step = p->dilation_w * ch, row_step = p->dilation_h * p->in_w * ch;
    const int8_t *w_first = filter + (fy0 * p->filter_w + fx0) * ch;
    for (int32_t c = 0; c < ch; c += 4) {
        const int32_t n = ch - c < 4 ? ch - c : 4;
        const mve_pred16_t pred = vctp32q((uint32_t)n);
        int32x4_t acc = bias ? vldrwq_z_s32(bias + c, pred) : vdupq_n_s32(0), m, s;
        const int8_t *in_row = first + c, *w_row = w_first + c;
        for (int32_t fy = fy0; fy < fy1; fy++, in_row += row_step, w_row += p->filter_w * ch) {
            const int8_t *in = in_row, *w = w_row;
            for (int32_t fx = fx0; fx < fx1; fx++, in += step, w += ch) {
                int32x4_t x = vaddq_n_s32(vldrbq_z_s32(in, pred), p->input_offset);
                acc = vaddq_s32(acc, vmulq_s32(x, vldrbq_z_s32(w, pred)));
            }
        }
        hil_mve_requant_params(&p->requant, c, n, &m, &s);
        vstrbq_p_s32(out + c, hil_mve_requant4(acc, m, s, p->output_offset, p->act_min, p->act_max), pred);
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
