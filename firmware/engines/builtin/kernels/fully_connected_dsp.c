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
 * allows it (gemm_dsp.h), its constants in k (one entry for the whole layer when the scale is
 * per tensor, derived per unit otherwise: each unit is used once per row). */
HIL_INLINE void fc_out(const fc_params *p, const hil_out_stage *o, int fast, const int32_t *k, uint32_t u, int32_t acc,
                       int8_t *dst)
{
    if (!fast) {
        *dst = hil_out_requant(o, acc, (int32_t)u);
        return;
    }
    int32_t entry[4];
    if (p->requant.channels > 1) {
        hil_chan_entry(&p->requant, (int32_t)u, p->output_offset, entry);
        k = entry;
    }
    hil_requant_store(acc, &k, dst);
}

/* Four units' dot products over 8 * pairs input values: per 4 values one input word widened by
 * SXTAB16 (offset added) and, per unit, one weight word widened by SXTB16 and two SMLADs. The
 * weights of units 0, 1, 2, 3 at w01, w01 + depth, w23, w23 + depth. On Arm one asm block of
 * 14 registers, unrolled twice (GCC's own loop reloaded the offset and counter from the stack). */
#if HIL_SIMD_NATIVE
#define FC_UNIT(acc, addr)                                                                         \
    "ldr %[w], " addr "\n\t"                                                                      \
    "sxtb16 %[wl], %[w]\n\t"                                                                      \
    "smlad " acc ", %[wl], %[xe], " acc "\n\t"                                                    \
    "sxtb16 %[w], %[w], ror #8\n\t"                                                               \
    "smlad " acc ", %[w], %[xo], " acc "\n\t"
#define FC_BLOCK                                                                                   \
    "ldr %[w], [%[x]], #4\n\t"                                                                    \
    "sxtab16 %[xe], %[off], %[w]\n\t"                                                             \
    "sxtab16 %[xo], %[off], %[w], ror #8\n\t" FC_UNIT("%[a1]", "[%[wa], %[d]]")                   \
        FC_UNIT("%[a0]", "[%[wa]], #4") FC_UNIT("%[a3]", "[%[wb], %[d]]") FC_UNIT("%[a2]", "[%[wb]], #4")

HIL_INLINE void fc_dot4(const int8_t **x, const int8_t **w01, const int8_t **w23, int32_t depth, uint32_t off,
                        int32_t pairs, int32_t acc[4])
{
    uint32_t xe, xo, w, wl;
    __asm__ volatile("1:\n\t" FC_BLOCK FC_BLOCK "subs %[n], %[n], #1\n\t"
                     "bne 1b\n\t"
                     : [a0] "+r"(acc[0]), [a1] "+r"(acc[1]), [a2] "+r"(acc[2]), [a3] "+r"(acc[3]), [x] "+r"(*x),
                       [wa] "+r"(*w01), [wb] "+r"(*w23), [n] "+r"(pairs), [xe] "=&r"(xe), [xo] "=&r"(xo),
                       [w] "=&r"(w), [wl] "=&r"(wl)
                     : [d] "r"(depth), [off] "r"(off)
                     : "memory", "cc");
}
#else
HIL_INLINE void fc_dot4(const int8_t **x, const int8_t **w01, const int8_t **w23, int32_t depth, uint32_t off,
                        int32_t pairs, int32_t acc[4])
{
    for (int32_t j = 0; j < 2 * pairs; j++) {
        uint32_t xv = hil_ld_s8x4_ia(x);
        uint32_t xe = hil_sxtab16(off, xv), xo = hil_sxtab16_ror8(off, xv);
        acc[1] = dot4(xe, xo, hil_read_s8x4(*w01 + depth), acc[1]);
        acc[0] = dot4(xe, xo, hil_ld_s8x4_ia(w01), acc[0]);
        acc[3] = dot4(xe, xo, hil_read_s8x4(*w23 + depth), acc[3]);
        acc[2] = dot4(xe, xo, hil_ld_s8x4_ia(w23), acc[2]);
    }
}
#endif

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
    int32_t k[4] = {0, 0, 0, 0}; /* the per-tensor stage constants */
    if (fast && p->requant.channels == 1)
        hil_chan_entry(&p->requant, 0, p->output_offset, k);

    for (uint32_t b = 0; b < p->batches; b++, output += p->units) {
        const int8_t *in = input + b * depth;
        uint32_t u = 0;
        for (; u + 4 <= p->units; u += 4) {
            const int8_t *w01 = filter + u * depth, *w23 = w01 + 2 * depth, *x = in;
            int32_t acc[4] = {0, 0, 0, 0}; /* units u, u + 1, u + 2, u + 3 */
            if (blocks >= 2)
                fc_dot4(&x, &w01, &w23, (int32_t)depth, off, (int32_t)(blocks / 2), acc);
            if (blocks % 2) {
                uint32_t xv = hil_ld_s8x4_ia(&x);
                uint32_t xe = hil_sxtab16(off, xv), xo = hil_sxtab16_ror8(off, xv);
                acc[1] = dot4(xe, xo, hil_read_s8x4(w01 + depth), acc[1]);
                acc[0] = dot4(xe, xo, hil_read_s8x4(w01), acc[0]);
                acc[3] = dot4(xe, xo, hil_read_s8x4(w23 + depth), acc[3]);
                acc[2] = dot4(xe, xo, hil_read_s8x4(w23), acc[2]);
            }
            if (full < depth) {
                acc[0] = dot_tail(filter + u * depth, in, full, depth, p->input_offset, acc[0]);
                acc[1] = dot_tail(filter + (u + 1) * depth, in, full, depth, p->input_offset, acc[1]);
                acc[2] = dot_tail(filter + (u + 2) * depth, in, full, depth, p->input_offset, acc[2]);
                acc[3] = dot_tail(filter + (u + 3) * depth, in, full, depth, p->input_offset, acc[3]);
            }
            if (bias)
                acc[0] += bias[u], acc[1] += bias[u + 1], acc[2] += bias[u + 2], acc[3] += bias[u + 3];
            if (fast && p->requant.channels == 1) { /* one set of constants for the four */
                const int32_t *kk = k;
                hil_requant_store2(acc[0], acc[1], &kk, output + u, output + u + 1);
                kk = k;
                hil_requant_store2(acc[2], acc[3], &kk, output + u + 2, output + u + 3);
                continue;
            }
            fc_out(p, &o, fast, k, u, acc[0], output + u);
            fc_out(p, &o, fast, k, u + 1, acc[1], output + u + 1);
            fc_out(p, &o, fast, k, u + 2, acc[2], output + u + 2);
            fc_out(p, &o, fast, k, u + 3, acc[3], output + u + 3);
        }
        for (; u < p->units; u++) {
            const int8_t *w = filter + u * depth, *x = in;
            int32_t acc = 0;
            for (uint32_t j = 0; j < blocks; j++) {
                uint32_t xv = hil_ld_s8x4_ia(&x);
                acc = dot4(hil_sxtab16(off, xv), hil_sxtab16_ror8(off, xv), hil_ld_s8x4_ia(&w), acc);
            }
            acc = dot_tail(filter + u * depth, in, full, depth, p->input_offset, acc);
            fc_out(p, &o, fast, k, u, acc + (bias ? bias[u] : 0), output + u);
        }
    }
    return HIL_OK;
}

#else

static int fc_dsp_eval(hil_graph *g, hil_node *node) { return HIL_ERR_INVOKE_FAILED; }

#endif

#endif /* HIL_DSP_IN_KERNEL_UNIT */
