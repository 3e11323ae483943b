/* Shared by LOGISTIC and TANH on int16 (16x8 models): TFLM's input rescale and its interpolated
 * sigmoid table (reference_integer_ops::Logistic / Tanh for int16). The input (zero point 0) is
 * rescaled to Q3.12 by (x * multiplier + round) >> left_shift, where multiplier is 3 * 4096 *
 * input_scale doubled until it exceeds 32767 / 2 (or 3 << left_shift when the input scale is the
 * power of two that needs no rescale); the output must be Q0.15 (scale 2^-15, zero point 0). */
#ifndef HIL_SIGMOID_I16_H
#define HIL_SIGMOID_I16_H
#include <math.h>
#include <stdint.h>

#include "graph.h"
#include "hil_protocol.h"
#include "unary.h"

extern const uint16_t hil_sigmoid_lut[256];

typedef struct {
    int32_t multiplier, round;
    int left_shift;
    uint32_t size;
} hil_sigmoid_i16_params;

/* TFLM's CheckedLog2: log2(x) rounded, and whether x is within 1e-3 (in log2) of that power. */
static inline int hil_checked_log2(float x, int *log2_result)
{
    const float x_log2 = logf(x) * (1.0f / logf(2.0f));
    const float rounded = roundf(x_log2);
    *log2_result = (int)rounded;
    return fabsf(x_log2 - rounded) < 1e-3f;
}

/* `pot_shifts`: the left shifts (bit 0: shift 0, bit 1: shift 1) for which a power-of-two input
 * scale takes TFLM's multiplier-free path (LOGISTIC: 0 only, TANH: 0 or 1). */
static inline int hil_sigmoid_i16_prepare(hil_graph *g, hil_node *node, unsigned pot_shifts)
{
    int status = hil_unary_check(g, node, HIL_INT16);
    if (status != HIL_OK)
        return status;
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (in->zero_point != 0 || out->zero_point != 0)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int16 input and output need zero points of 0 (as in TFLM)");
    int out_log2;
    if (!hil_checked_log2(out->scale, &out_log2) || out_log2 != -15)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int16 output scale must be 2^-15 (as in TFLM)");
    hil_sigmoid_i16_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    int in_log2;
    int pot = hil_checked_log2(in->scale, &in_log2);
    int left_shift = (15 - 3) + in_log2;
    if (pot && left_shift >= 0 && left_shift <= 1 && (pot_shifts >> left_shift & 1)) {
        p->multiplier = 3 << left_shift;
        p->left_shift = 0;
    } else {
        double multiplier = (double)in->scale * 4096.0 * 3.0;
        p->left_shift = 0;
        while (multiplier <= 32767.0 / 2.0 && p->left_shift <= 30) {
            p->left_shift++;
            multiplier *= 2.0;
        }
        if (!(multiplier <= 32767.0))
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int16 input scale too large: 3 * 4096 * scale must stay below 32768, as TFLM assumes");
        p->multiplier = (int32_t)multiplier;
    }
    p->round = p->left_shift > 0 ? 1 << (p->left_shift - 1) : 0;
    p->size = hil_num_elements(in);
    node->params = p;
    return HIL_OK;
}

/* The rescaled input (Q3.12). */
static inline int32_t hil_sigmoid_i16_input(const hil_sigmoid_i16_params *p, int16_t x)
{
    return (x * p->multiplier + p->round) >> p->left_shift;
}

/* TFLM's arguments as its reference kernels take them (the LSTM's gates and cell): multiplier 0
 * means the power-of-two case, 3 << left_shift with no shift. */
static inline void hil_sigmoid_i16_set_shift(hil_sigmoid_i16_params *p, int32_t multiplier, int left_shift)
{
    p->multiplier = multiplier ? multiplier : 3 << left_shift;
    p->left_shift = multiplier ? left_shift : 0;
    p->round = p->left_shift > 0 ? 1 << (p->left_shift - 1) : 0;
}

/* LOGISTIC of one value (TFLM's reference_integer_ops::Logistic for int16): the Q3.12 input's
 * magnitude indexes the sigmoid table in steps of 2^9 and interpolates linearly between
 * neighbours; negative inputs use sigmoid(-x) = 1 - sigmoid(x); the result is Q0.15. */
static inline int16_t hil_logistic_i16(const hil_sigmoid_i16_params *p, int16_t x)
{
    int32_t input = hil_sigmoid_i16_input(p, x);
    uint32_t magnitude = (uint32_t)(input < 0 ? -input : input);
    uint32_t index = magnitude >> 9;
    uint32_t result;
    if (index >= 255) {
        result = 0x7FFFu << 10;
    } else {
        uint32_t a = hil_sigmoid_lut[index], b = hil_sigmoid_lut[index + 1];
        result = (a << 9) + (magnitude & 0x1FF) * (b - a);
    }
    result = input >= 0 ? result + (1u << 9) : (1u << (16 + 9)) - result + (1u << 9) - 1;
    return (int16_t)(result >> 10);
}

/* TANH of one value (TFLM's reference_integer_ops::Tanh for int16), through the sigmoid table
 * (tanh(x) = 2 sigmoid(2x) - 1): the magnitude indexes it in steps of 2^8, interpolates, and the
 * result is centred and scaled to Q0.15, odd in x. */
static inline int16_t hil_tanh_i16(const hil_sigmoid_i16_params *p, int16_t x)
{
    int32_t input = hil_sigmoid_i16_input(p, x);
    uint32_t magnitude = (uint32_t)(input < 0 ? -input : input);
    uint32_t index = magnitude >> 8;
    int32_t result;
    if (index >= 255) {
        result = 0xFFFF << 8;
    } else {
        uint32_t a = hil_sigmoid_lut[index], b = hil_sigmoid_lut[index + 1];
        result = (int32_t)((a << 8) + (magnitude & 0xFF) * (b - a));
    }
    result = input >= 0 ? result - (1 << (14 + 9)) + (1 << (9 - 2)) : -result + (1 << (14 + 9)) + (1 << (9 - 2)) - 1;
    return (int16_t)(result >> (9 - 1));
}

#endif
