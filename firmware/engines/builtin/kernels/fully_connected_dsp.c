/* FULLY_CONNECTED, int8, optimized path (HIL_OPT_KERNELS) for weights with zero point 0,
 * bit-exact with the reference arithmetic of fully_connected.c (tests/test_opt_kernels.c).
 * Four units per pass over the input row: each input word is widened once (SXTAB16 adds the
 * input offset) and feeds four units' SMLADs; the weight words are widened by SXTB16 into the
 * same [x0, x2], [x1, x3] order. The last depth % 4 values and units % 4 units go one by one.
 * Compiled inside fully_connected.c's translation unit (included at its end; alone it compiles to
 * nothing): the compiler then sees the kernel whole, as before the
 * split, and generates the same instructions. Compiled separately, register allocation
 * moved DEPTHWISE_CONV_2D's instruction counts by up to 0.6% per layer. */
#ifdef HIL_DSP_IN_KERNEL_UNIT
#include "gemm_dsp.h"

#if HIL_OPT_KERNELS

HIL_INLINE int32_t dot4(uint32_t xe, uint32_t xo, uint32_t wv, int32_t acc)
{
    acc = hil_smlad(hil_sxtb16(wv), xe, acc);
    return hil_smlad(hil_sxtb16_ror8(wv), xo, acc);
}

static int32_t dot_tail(const int8_t *w, const int8_t *in, uint32_t from, uint32_t depth, int32_t input_offset,
                        int32_t acc)
{
    for (uint32_t d = from; d < depth; d++)
        acc += (int32_t)w[d] * ((int32_t)in[d] + input_offset);
    return acc;
}

/* Unit u's output from its accumulator (bias included): the fast output stage when the layer
 * allows it (gemm_dsp.h; constants derived here, each unit being used once per row). */
HIL_INLINE int8_t fc_out(const fc_params *p, const hil_out_stage *o, int fast, uint32_t u, int32_t acc)
{
    if (!fast)
        return hil_out_requant(o, acc, (int32_t)u);
    int32_t k[4];
    hil_chan_entry(&p->requant, (int32_t)u, p->output_offset, k);
    return (int8_t)hil_ssat8(hil_requant_r1(acc, k[0], (uint32_t)k[1], k[2], k[3]));
}

static int fc_dsp_eval(hil_graph *g, hil_node *node)
{
    const fc_params *p = node->params;
    const int8_t *input = (const int8_t *)hil_node_input(g, node, 0)->data;
    const int8_t *filter = (const int8_t *)hil_node_input(g, node, 1)->data;
    const hil_tensor *bias_t = hil_node_input(g, node, 2);
    const int32_t *bias = bias_t ? (const int32_t *)(const void *)bias_t->data : 0;
    int8_t *output = (int8_t *)hil_node_output(g, node, 0)->data;
    const hil_out_stage o = {0, &p->requant, p->output_offset, p->act_min, p->act_max};
    const int fast = hil_stage_fast(&p->requant, p->act_min, p->act_max);
    const uint32_t off = hil_dup16(p->input_offset), depth = p->depth, blocks = depth / 4, full = blocks * 4;

    for (uint32_t b = 0; b < p->batches; b++, output += p->units) {
        const int8_t *in = input + b * depth;
        uint32_t u = 0;
        for (; u + 4 <= p->units; u += 4) {
            const int8_t *w0 = filter + u * depth, *w1 = w0 + depth, *w2 = w1 + depth, *w3 = w2 + depth;
            int32_t acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;
            const int8_t *x = in;
            for (uint32_t j = 0; j < blocks; j++) {
                uint32_t xv = hil_ld_s8x4_ia(&x);
                uint32_t xe = hil_sxtab16(off, xv), xo = hil_sxtab16_ror8(off, xv);
                acc0 = dot4(xe, xo, hil_ld_s8x4_ia(&w0), acc0);
                acc1 = dot4(xe, xo, hil_ld_s8x4_ia(&w1), acc1);
                acc2 = dot4(xe, xo, hil_ld_s8x4_ia(&w2), acc2);
                acc3 = dot4(xe, xo, hil_ld_s8x4_ia(&w3), acc3);
            }
            int32_t acc[4] = {acc0, acc1, acc2, acc3};
            for (uint32_t i = 0; i < 4; i++) {
                int32_t a = dot_tail(filter + (u + i) * depth, in, full, depth, p->input_offset, acc[i]);
                output[u + i] = fc_out(p, &o, fast, u + i, a + (bias ? bias[u + i] : 0));
            }
        }
        for (; u < p->units; u++) {
            const int8_t *w = filter + u * depth, *x = in;
            int32_t acc = 0;
            for (uint32_t j = 0; j < blocks; j++) {
                uint32_t xv = hil_ld_s8x4_ia(&x);
                acc = dot4(hil_sxtab16(off, xv), hil_sxtab16_ror8(off, xv), hil_ld_s8x4_ia(&w), acc);
            }
            acc = dot_tail(filter + u * depth, in, full, depth, p->input_offset, acc);
            output[u] = fc_out(p, &o, fast, u, acc + (bias ? bias[u] : 0));
        }
    }
    return HIL_OK;
}

#else

static int fc_dsp_eval(hil_graph *g, hil_node *node) { return HIL_ERR_INVOKE_FAILED; }

#endif

#endif /* HIL_DSP_IN_KERNEL_UNIT */
