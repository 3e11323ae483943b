/* FULLY_CONNECTED, int8, Helium path (HIL_MVE_KERNELS; weights with zero point 0, as the DSP
 * path), bit-exact with the reference arithmetic of fully_connected.c
 * (firmware/tests/test_opt_kernels.c in the HIL_MVE_EMULATION build, and on QEMU's Cortex-M55).
 *
 * sum_d w[d] * (x[d] + offset) = sum_d w[d] * x[d] + offset * sum_d w[d], modulo 2^32 like the
 * reference's int32 sums: VMLADAVA.S8 multiplies and adds 16 raw int8 pairs, VADDVA.S8 sums the
 * same 16 weights, and the offset is applied once per unit. Four units per pass share each
 * input load; the last depth % 16 values are one predicated load (nothing read past the rows).
 * The four accumulators are requantized together (mve.h, hil_mve_requant4). */
#include "fully_connected.h"
#include "mve.h"

#if HIL_MVE_KERNELS

/* acc[i] = sum_d w_i[d] * x[d], sum[i] = sum_d w_i[d] for the four rows at w (depth apart). */
static void dot4(const int8_t *w, const int8_t *x, uint32_t depth, int32_t acc[4], int32_t sum[4])
{
    const int8_t *w0 = w, *w1 = w0 + depth, *w2 = w1 + depth, *w3 = w2 + depth;
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    uint32_t blocks = depth / 16, tail = depth % 16;
    for (; blocks > 0; blocks--, x += 16, w0 += 16, w1 += 16, w2 += 16, w3 += 16) {
        int8x16_t xv = vldrbq_s8(x), wv = vldrbq_s8(w0);
        a0 = vmladavaq_s8(a0, wv, xv);
        s0 = vaddvaq_s8(s0, wv);
        wv = vldrbq_s8(w1);
        a1 = vmladavaq_s8(a1, wv, xv);
        s1 = vaddvaq_s8(s1, wv);
        wv = vldrbq_s8(w2);
        a2 = vmladavaq_s8(a2, wv, xv);
        s2 = vaddvaq_s8(s2, wv);
        wv = vldrbq_s8(w3);
        a3 = vmladavaq_s8(a3, wv, xv);
        s3 = vaddvaq_s8(s3, wv);
    }
    if (tail) {
        mve_pred16_t p = vctp8q(tail);
        int8x16_t xv = vldrbq_z_s8(x, p), wv = vldrbq_z_s8(w0, p);
        a0 = vmladavaq_s8(a0, wv, xv);
        s0 = vaddvaq_s8(s0, wv);
        wv = vldrbq_z_s8(w1, p);
        a1 = vmladavaq_s8(a1, wv, xv);
        s1 = vaddvaq_s8(s1, wv);
        wv = vldrbq_z_s8(w2, p);
        a2 = vmladavaq_s8(a2, wv, xv);
        s2 = vaddvaq_s8(s2, wv);
        wv = vldrbq_z_s8(w3, p);
        a3 = vmladavaq_s8(a3, wv, xv);
        s3 = vaddvaq_s8(s3, wv);
    }
    acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
    sum[0] = s0, sum[1] = s1, sum[2] = s2, sum[3] = s3;
}

/* The same for one row. */
static void dot1(const int8_t *w, const int8_t *x, uint32_t depth, int32_t *acc, int32_t *sum)
{
    int32_t a = 0, s = 0;
    for (uint32_t left = depth; left > 0; left -= left < 16 ? left : 16, x += 16, w += 16) {
        mve_pred16_t p = vctp8q(left);
        int8x16_t wv = vldrbq_z_s8(w, p);
        a = vmladavaq_s8(a, wv, vldrbq_z_s8(x, p));
        s = vaddvaq_s8(s, wv);
    }
    *acc = a, *sum = s;
}

int hil_fc_mve_eval(hil_graph *g, hil_node *node)
{
    const fc_params *p = node->params;
    const int8_t *input = (const int8_t *)hil_node_input(g, node, 0)->data;
    const int8_t *filter = (const int8_t *)hil_node_input(g, node, 1)->data;
    const hil_tensor *bias_t = hil_node_input(g, node, 2);
    const int32_t *bias = bias_t ? (const int32_t *)(const void *)bias_t->data : 0;
    int8_t *output = (int8_t *)hil_node_output(g, node, 0)->data;
    const uint32_t depth = p->depth, units = p->units;
    HIL_MVE_RAN();

    const int per_channel = p->requant.channels > 1;
    int32x4_t m, s;
    hil_mve_requant_params(&p->requant, 0, 4, &m, &s); /* per-tensor: the same for every unit */
    for (uint32_t b = 0; b < p->batches; b++, output += units) {
        const int8_t *in = input + b * depth;
        uint32_t u = 0;
        for (; u + 4 <= units; u += 4) {
            int32_t acc[4], sum[4];
            dot4(filter + u * depth, in, depth, acc, sum);
            int32x4_t v = vmlaq_n_s32(vldrwq_s32(acc), vldrwq_s32(sum), p->input_offset);
            if (bias)
                v = vaddq_s32(v, vldrwq_s32(bias + u));
            if (per_channel)
                hil_mve_requant_params(&p->requant, (int32_t)u, 4, &m, &s);
            vstrbq_s32(output + u, hil_mve_requant4(v, m, s, p->output_offset, p->act_min, p->act_max));
        }
        if (u < units) { /* the last units % 4 one by one, requantized together */
            int32_t acc[4] = {0, 0, 0, 0}, sum[4] = {0, 0, 0, 0}, n = (int32_t)(units - u);
            for (int32_t i = 0; i < n; i++) {
                dot1(filter + (u + i) * depth, in, depth, &acc[i], &sum[i]);
                acc[i] = (int32_t)((uint32_t)acc[i] + (bias ? (uint32_t)bias[u + i] : 0u));
            }
            int32x4_t v = vmlaq_n_s32(vldrwq_s32(acc), vldrwq_s32(sum), p->input_offset);
            if (per_channel)
                hil_mve_requant_params(&p->requant, (int32_t)u, n, &m, &s);
            vstrbq_p_s32(output + u, hil_mve_requant4(v, m, s, p->output_offset, p->act_min, p->act_max),
                         vctp32q((uint32_t)n));
        }
    }
    return HIL_OK;
}

#else

int hil_fc_mve_eval(hil_graph *g, hil_node *node) { return HIL_ERR_INVOKE_FAILED; }

#endif
