/* Fixed-point arithmetic shared by the int8 kernels, bit-exact with TFLM's reference kernels
 * (gemmlowp-style double rounding: a rounding doubling high multiply, then a rounding shift). */
#ifndef HIL_QUANT_H
#define HIL_QUANT_H
#include <stdint.h>

#include "graph.h"

static inline int32_t hil_sat_rounding_doubling_high_mul(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN)
        return INT32_MAX;
    int64_t ab = (int64_t)a * (int64_t)b;
    int64_t nudge = ab >= 0 ? (1ll << 30) : (1 - (1ll << 30));
    return (int32_t)((ab + nudge) / (1ll << 31)); /* division truncates toward zero, as in TFLM */
}

static inline int32_t hil_rounding_divide_by_pot(int32_t x, int exponent)
{
#ifdef HIL_TEST_BREAK_ROUNDING
    /* Test-only defect: truncate instead of rounding, so parity suites can be shown to fail. */
    return x >> exponent;
#else
    int32_t mask = (int32_t)((1ll << exponent) - 1);
    int32_t remainder = x & mask;
    int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
#endif
}

/* TFLM's MultiplyByQuantizedMultiplier: x * multiplier * 2^shift with double rounding. */
static inline int32_t hil_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int shift)
{
    int left_shift = shift > 0 ? shift : 0;
    int right_shift = shift > 0 ? 0 : -shift;
    return hil_rounding_divide_by_pot(
        hil_sat_rounding_doubling_high_mul((int32_t)((uint32_t)x << left_shift), multiplier), right_shift);
}

/* A quantized tensor in TFLM's sense (kTfLiteAffineQuantization): scales and zero points. */
static inline int hil_is_quantized(const hil_tensor *t) { return t->scales.len > 0 && t->zero_points.len > 0; }

/* TFLM's MultiplyByQuantizedMultiplier for an int64 accumulator (its 16x8 kernels): the Q31
 * multiplier rounded to 16 bits, then one rounding right shift by 15 - shift, the result
 * truncated to int32 as TFLM's conversion does. Defined for shift <= 14 (kernels refuse larger
 * multipliers: TFLM's shift by 15 - shift would be negative). Computed modulo 2^64 like TFLM's
 * unchecked int64 arithmetic, so an absurd bias cannot make it undefined here. */
static inline int32_t hil_multiply_by_quantized_multiplier_64(int64_t x, int32_t multiplier, int shift)
{
    int32_t reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
    int total = 15 - shift;
    uint64_t r = (uint64_t)x * (uint64_t)(int64_t)reduced + ((uint64_t)1 << (total - 1));
    return (int32_t)(uint32_t)((int64_t)r >> total);
}

static inline int32_t hil_clamp(int32_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* TFLM's QuantizeMultiplier: a real multiplier as a Q31 value and a power-of-two exponent. */
void hil_quantize_multiplier(double real_multiplier, int32_t *multiplier, int *shift);

/* TFLM's QuantizeMultiplierSmallerThanOneExp: returns 0 unless the multiplier lies in (0, 1),
 * where TFLM aborts. */
int hil_quantize_multiplier_below_one(double real, int32_t *multiplier, int *shift);

/* TFLM's CalculateActivationRangeQuantized for an int8/int16 output tensor. */
void hil_activation_range(const hil_tensor *output, int activation, int32_t *act_min, int32_t *act_max);

/* hil_multiply_by_quantized_multiplier for multiplier >= 0 and shift <= -1 (a right shift
 * e = -shift >= 1, the case of nearly every conv / FC layer), in one 64-bit multiply-accumulate.
 * TFLM rounds twice: x = floor((acc * m + 2^30) / 2^31) (its rounding doubling high multiply,
 * exact in this form for m >= 0), then x / 2^e rounded half away from zero, i.e.
 * floor((x + 2^(e-1) - [x < 0]) / 2^e). Since floor((floor(X / a) + c) / b) =
 * floor((X + c * a) / (a * b)) for integers, both collapse into
 *     floor((acc * m + 2^30 + 2^(30+e) - [x < 0] * 2^31) / 2^(31+e)),
 * and [x < 0] may be replaced by [acc < 0]: they differ only when x == 0, where both give 0.
 * The constant 2^30 + 2^(30+e) is (hi_base : lo_base) (hil_requant_r1_consts); subtracting
 * [acc < 0] * 2^31 adds acc's sign bit to the low word and -1 to the high word, with the carry.
 * As the shift by 31 + e >= 32 keeps only the high word, on Armv7E-M this is AND, ADDS, ADC,
 * SMLAL, ASR. e1 = e - 1. */
static inline int32_t hil_requant_r1(int32_t acc, int32_t multiplier, uint32_t lo_base, int32_t hi_base, int e1)
{
    uint64_t c = ((uint64_t)(uint32_t)hi_base << 32) | lo_base;
    uint64_t sign = ((uint64_t)(uint32_t)(acc >> 31) << 32) | ((uint32_t)acc & 0x80000000u);
    int64_t r = (int64_t)(c + sign) + (int64_t)acc * multiplier;
    return (int32_t)(r >> 32) >> e1;
}

/* hil_requant_r1's per-channel constants for a TFLM shift <= -1. */
static inline void hil_requant_r1_consts(int shift, uint32_t *lo_base, int32_t *hi_base, int32_t *e1)
{
    uint32_t t = 1u << (-shift - 1); /* 2^(e-1) */
    *e1 = -shift - 1;
    *hi_base = (int32_t)(t >> 1);         /* 2^(e-2) (0 when e = 1) */
    *lo_base = 0x40000000u | (t << 31);  /* 2^30, plus 2^31 when e = 1 */
}

/* Per-channel (or per-tensor, n == 1) requantization parameters of a conv / FC style op:
 * real multiplier = input_scale * filter_scale[c] / output_scale, computed in double. The
 * shift is TFLM's exponent (left when positive); it fits in int8 (-31..31). */
typedef struct {
    int32_t *multiplier;
    int8_t *shift;
    uint32_t channels;
    uint8_t right_shift; /* every multiplier >= 0 and every shift in [-23, -1]: hil_requant_r1 applies,
                            also with an output zero point folded into hi_base (gemm_dsp.h) */
    const int8_t *idle;  /* NULL, or set by an optimized path (hil_requant_fold_idle, gemm_dsp.h): channel c
                            with multiplier 0 outputs idle[c] whatever its accumulator (fast stage only) */
} hil_requant;

int hil_requant_prepare(hil_graph *g, hil_node *node, const hil_tensor *input, const hil_tensor *filter,
                        const hil_tensor *output, uint32_t channels, hil_requant *out);

/* The same for FULLY_CONNECTED: with per-tensor weights TFLM multiplies the input and weight
 * scales in float before dividing in double (GetQuantizedConvolutionMultipler), which changes
 * the multiplier's low bits; per-channel weights take the double form above. */
int hil_requant_prepare_fc(hil_graph *g, hil_node *node, const hil_tensor *input, const hil_tensor *filter,
                           const hil_tensor *output, uint32_t channels, hil_requant *out);

#endif
