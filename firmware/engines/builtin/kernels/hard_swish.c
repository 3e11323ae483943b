/* HARD_SWISH, int8: TFLM's reference_ops::HardSwish<int8_t>, in 16-bit fixed point. The input
 * (minus its zero point) is moved to a "high-resolution" scale (input_scale / 128, a left shift
 * by 7) and rescaled twice with 16-bit multipliers: once towards the output scale, once to the
 * "reluish" scale (3 / 32768), where relu6(x + 3) / 6 is formed as a value in [0, 1]; the two are
 * multiplied and shifted to the output. Every intermediate is an int16 that wraps or saturates
 * exactly where TFLM's does. */
#include "hil_protocol.h"
#include "quant.h"
#include "unary.h"

typedef struct {
    int32_t input_zero_point, output_zero_point;
    int16_t output_multiplier, reluish_multiplier; /* Q15 */
    int output_exponent, reluish_exponent;
    uint32_t size;
} hard_swish_params;

/* TFLM's DownScaleInt32ToInt16Multiplier: a Q31 multiplier rounded to Q15. */
static int16_t q31_to_q15(int32_t m)
{
    if (m >= INT32_MAX - (1 << 15))
        return INT16_MAX;
    return (int16_t)((m + (1 << 15)) >> 16);
}

static int hard_swish_prepare(hil_graph *g, hil_node *node)
{
    int status = hil_unary_check(g, node, HIL_INT8);
    if (status != HIL_OK)
        return status;
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    hard_swish_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    /* the ratios in float, as TFLM computes them */
    const float hires_input_scale = (1.0f / 128.0f) * in->scale;
    const float reluish_scale = 3.0f / 32768.0f;
    int32_t m;
    hil_quantize_multiplier((double)(hires_input_scale / out->scale), &m, &p->output_exponent);
    p->output_multiplier = q31_to_q15(m);
    if (p->output_exponent > 0)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input scale above 128 x output scale (TFLM rejects it)");
    hil_quantize_multiplier((double)(hires_input_scale / reluish_scale), &m, &p->reluish_exponent);
    p->reluish_multiplier = q31_to_q15(m);
    p->input_zero_point = in->zero_point;
    p->output_zero_point = out->zero_point;
    p->size = hil_num_elements(in);
    node->params = p;
    return HIL_OK;
}

/* gemmlowp's 16-bit SaturatingRoundingDoublingHighMul. */
static int16_t sat_rounding_doubling_high_mul16(int16_t a, int16_t b)
{
    if (a == INT16_MIN && b == INT16_MIN)
        return INT16_MAX;
    int32_t ab = (int32_t)a * b;
    int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
    return (int16_t)((ab + nudge) / (1 << 15));
}

/* The same without rounding (TFLM's SaturatingDoublingHighMul in hard_swish.h). */
static int16_t sat_doubling_high_mul16(int16_t a, int16_t b)
{
    if (a == INT16_MIN && b == INT16_MIN)
        return INT16_MAX;
    return (int16_t)(((int32_t)a * b) / (1 << 15));
}

/* gemmlowp's RoundingDivideByPOT on an int16: mask and threshold are int16 values too. */
static int16_t rounding_divide_by_pot16(int16_t x, int exponent)
{
    int16_t mask = (int16_t)((1ll << exponent) - 1);
    int16_t remainder = (int16_t)(x & mask);
    int16_t threshold = (int16_t)((mask >> 1) + (x < 0 ? 1 : 0));
    return (int16_t)((x >> exponent) + (remainder > threshold ? 1 : 0));
}

static int16_t saturating_left_shift16(int16_t value, int amount)
{
    int64_t r = (int64_t)value * ((int64_t)1 << amount);
    return (int16_t)(r > INT16_MAX ? INT16_MAX : (r < INT16_MIN ? INT16_MIN : r));
}

static int8_t hard_swish_element(const hard_swish_params *p, int8_t x)
{
    int16_t input_value = (int16_t)(x - p->input_zero_point);
    int16_t hires = (int16_t)(input_value * (1 << 7));
    int16_t preshift_output = sat_rounding_doubling_high_mul16(hires, p->output_multiplier);
    int16_t reluish = hires;
    if (p->reluish_exponent > 0)
        reluish = saturating_left_shift16(reluish, p->reluish_exponent - 1);
    reluish = sat_rounding_doubling_high_mul16(reluish, p->reluish_multiplier);
    if (p->reluish_exponent > 0)
        reluish = saturating_left_shift16(reluish, 1);
    if (p->reluish_exponent < 0)
        reluish = rounding_divide_by_pot16(reluish, -p->reluish_exponent);
    reluish = (int16_t)((reluish + (1 << 15)) >> 1); /* [-1, 1] to [0, 1] */
    int16_t preshift = sat_doubling_high_mul16(reluish, preshift_output);
    int16_t v = rounding_divide_by_pot16(preshift, -p->output_exponent);
    v = (int16_t)(v + p->output_zero_point);
    return (int8_t)(v > INT8_MAX ? INT8_MAX : (v < INT8_MIN ? INT8_MIN : v));
}

static int hard_swish_eval(hil_graph *g, hil_node *node)
{
    const hard_swish_params *p = node->params;
    const int8_t *in = (const int8_t *)hil_node_input(g, node, 0)->data;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++)
        out[i] = hard_swish_element(p, in[i]);
    return HIL_OK;
}

const hil_kernel hil_kernel_hard_swish = {117, "HARD_SWISH", hard_swish_prepare, hard_swish_eval};
