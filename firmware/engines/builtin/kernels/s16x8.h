/* What TFLM's 16x8 integer kernels (int16 activations, int8 weights: CONV_2D,
 * DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV) share: the accumulator width TFLM picks
 * from the bias type, and the output stage.
 *
 * TFLM accumulates in int64 with an int64 bias (the converter's default) and in int32 with an
 * int32 bias (or, without a bias, when the options' quantized_bias_type says INT32). Kernels
 * here always sum in int64; int32 sums wrap modulo 2^32 in TFLM, and the low 32 bits of the
 * exact int64 sum are that same value, so truncating before the int32 requantization gives
 * TFLM's result in both modes. Header-only (static inline): only 16x8 kernels compile it. */
#ifndef HIL_S16X8_H
#define HIL_S16X8_H
#include <stdint.h>
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"
#include "quant.h"

typedef struct {
    hil_requant rq;
    const void *bias;   /* set per invoke: int64 or int32 values (bias64), or NULL */
    uint8_t bias64;     /* the bias tensor is int64 */
    uint8_t acc32;      /* TFLM's accumulator is int32 */
    int32_t out_offset; /* added after requantization (FULLY_CONNECTED; the conv kernels add none) */
    int32_t act_min, act_max;
} hil_stage16;

/* Bias of channel c. int64 values in a model are only 4-byte aligned (graph.c checks no more),
 * so they are read with memcpy: an LDRD from an unaligned address faults on Cortex-M. */
static inline int64_t hil_stage16_bias(const hil_stage16 *o, int32_t c)
{
    if (!o->bias)
        return 0;
    if (!o->bias64)
        return ((const int32_t *)o->bias)[c];
    int64_t v;
    memcpy(&v, (const int64_t *)o->bias + c, sizeof v);
    return v;
}

/* Output of channel c from its accumulator (bias included). */
static inline int16_t hil_stage16_out(const hil_stage16 *o, int64_t acc, int32_t c)
{
    int32_t i = o->rq.channels > 1 ? c : 0, v;
    if (o->acc32)
        v = hil_multiply_by_quantized_multiplier((int32_t)(uint32_t)(uint64_t)acc, o->rq.multiplier[i], o->rq.shift[i]);
    else
        v = hil_multiply_by_quantized_multiplier_64(acc, o->rq.multiplier[i], o->rq.shift[i]);
    v = (int32_t)((uint32_t)v + (uint32_t)o->out_offset);
    return (int16_t)hil_clamp(v, o->act_min, o->act_max);
}

/* The optimized paths' output stage for TFLM's int64 requantization (!acc32), from a table
 * built once per invoke in scratch: per channel its bias, TFLM's multiplier rounded to 16 bits,
 * the rounding term and the shift 15 - shift, so each output costs one 64x16-bit multiply-add
 * and one shift instead of re-deriving them (hil_multiply_by_quantized_multiplier_64). */
typedef struct {
    int64_t bias, round;
    int32_t multiplier, shift;
} hil_chan16;

static inline uint32_t hil_chan16_bytes(int32_t channels) { return (uint32_t)channels * sizeof(hil_chan16); }

static inline void hil_chan16_table(const hil_stage16 *o, int32_t channels, hil_chan16 *t)
{
    for (int32_t c = 0; c < channels; c++, t++) {
        int32_t i = o->rq.channels > 1 ? c : 0, m = o->rq.multiplier[i];
        t->multiplier = m < 0x7FFF0000 ? (m + (1 << 15)) >> 16 : 0x7FFF;
        t->shift = 15 - o->rq.shift[i]; /* 16 .. 46: hil_stage16_prepare refuses shifts above 14 */
        t->round = (int64_t)((uint64_t)1 << (t->shift - 1));
        t->bias = hil_stage16_bias(o, c);
    }
}

/* hil_stage16_out for an accumulator without its bias, from the channel's table entry. */
static inline int16_t hil_stage16_out_fast(const hil_stage16 *o, int64_t sum, const hil_chan16 *e)
{
    uint64_t r = (uint64_t)(sum + e->bias) * (uint64_t)(uint32_t)e->multiplier + (uint64_t)e->round;
    int32_t v = (int32_t)(uint32_t)((int64_t)r >> e->shift);
    return (int16_t)hil_clamp((int32_t)((uint32_t)v + (uint32_t)o->out_offset), o->act_min, o->act_max);
}

/* Fills the stage of a 16x8 node: requantization per channel (hil_requant_prepare, or
 * hil_requant_prepare_fc for FULLY_CONNECTED: `fc`), the accumulator width from the bias (or
 * `quantized_bias_type` when there is none), the fused activation's int16 range. Refuses a
 * multiplier TFLM's int64 requantization cannot shift. */
static inline int hil_stage16_prepare(hil_graph *g, hil_node *node, const hil_tensor *input, const hil_tensor *filter,
                                      const hil_tensor *bias, const hil_tensor *output, uint32_t channels,
                                      int activation, int32_t quantized_bias_type, int fc, hil_stage16 *o)
{
    int status = fc ? hil_requant_prepare_fc(g, node, input, filter, output, channels, &o->rq)
                    : hil_requant_prepare(g, node, input, filter, output, channels, &o->rq);
    if (status != HIL_OK)
        return status;
    o->bias64 = bias && bias->type == HIL_INT64;
    o->acc32 = bias ? bias->type == HIL_INT32 : quantized_bias_type == HIL_INT32;
    for (uint32_t c = 0; !o->acc32 && c < o->rq.channels; c++)
        if (o->rq.shift[c] > 14)
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "requantization multiplier too large (above 2^14)");
    hil_activation_range(output, activation, &o->act_min, &o->act_max);
    return HIL_OK;
}

#endif
