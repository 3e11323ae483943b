/* SOFTMAX over the last dimension, int16 -> int16 (16x8 models): TFLM's SoftmaxInt16. Each
 * difference from the row maximum is scaled so that [-10, 0] spans the int16 range and goes
 * through the exp table; the exps (Q0.15, kept in the output row) are summed, the sum is
 * normalised to [1, 2) and its reciprocal read from the 1 / (1 + x) table, and every exp is
 * multiplied by it. Input and output zero points 0, output scale 1/32768, as TFLM requires. */
#include <math.h>

#include "fixedpoint.h"
#include "hil_protocol.h"
#include "softmax_i16.h"

enum { SOFTMAX_OPT_BETA = 0 };

typedef struct {
    int32_t input_multiplier;
    int input_shift;
    uint32_t outer, depth;
} softmax_i16_params;

static int softmax_i16_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 1 || hil_node_num_outputs(node) != 1 || !in || !out || in->ndim < 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs one input of rank >= 1 and one output");
    if (in->type != HIL_INT16 || out->type != HIL_INT16)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int16 kernel: input and output must be int16");
    if (in->zero_point != 0 || out->zero_point != 0)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int16 input and output need zero points of 0 (as in TFLM)");
    if (fabsf(out->scale - 1.0f / 32768) > 0.001f * (1.0f / 32768))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int16 output must have scale 1/32768");
    if (hil_num_elements(in) != hil_num_elements(out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output sizes differ");
    if (in->dims[in->ndim - 1] > 65536) /* the int32 sum of the row's exps must not overflow */
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "softmax axis longer than 65536");
    softmax_i16_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    float beta = hil_fb_f32(&g->fb, &node->options, SOFTMAX_OPT_BETA, 0.0f);
    /* scale the difference so that [-65535, 0] stands for [-10, 0] */
    hil_quantize_multiplier((double)in->scale * (double)beta / (10.0 / 65535.0), &p->input_multiplier,
                            &p->input_shift);
    p->depth = (uint32_t)in->dims[in->ndim - 1];
    p->outer = p->depth ? hil_num_elements(in) / p->depth : 0;
    node->params = p;
    return HIL_OK;
}

static int16_t saturate_i16(int32_t v) { return (int16_t)(v < INT16_MIN ? INT16_MIN : (v > INT16_MAX ? INT16_MAX : v)); }

static void softmax_row(const softmax_i16_params *p, const int16_t *in, int16_t *out)
{
    int16_t max_in_row = INT16_MIN;
    for (uint32_t c = 0; c < p->depth; c++)
        max_in_row = in[c] > max_in_row ? in[c] : max_in_row;
    int32_t sum_of_exps = 0; /* Q16.15 */
    for (uint32_t c = 0; c < p->depth; c++) {
        int32_t scaled = hil_multiply_by_quantized_multiplier(in[c] - max_in_row, p->input_multiplier, p->input_shift);
        out[c] = hil_lut_lookup_i16(saturate_i16(scaled + 32767), hil_softmax_i16_exp_lut);
        sum_of_exps += out[c];
    }
    /* sum = 2^(31 - headroom_plus_one) * (1 + x), x in [0, 1): the table gives 1 / (1 + x) */
    int headroom_plus_one = hil_clz32((uint32_t)sum_of_exps);
    int32_t shifted_sum = (int32_t)((((int64_t)sum_of_exps << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
    int16_t reciprocal = hil_lut_lookup_i16(saturate_i16(shifted_sum - ((1 << 15) + (1 << 16))),
                                            hil_softmax_i16_recip_lut);
    int right_shift = 31 - headroom_plus_one;
    int64_t round = (int64_t)1 << (right_shift - 1);
    for (uint32_t c = 0; c < p->depth; c++) {
        int32_t result = (int32_t)(((int64_t)out[c] * reciprocal + round) >> right_shift);
        out[c] = (int16_t)(result < 0 ? 0 : (result > INT16_MAX ? INT16_MAX : result));
    }
}

static int softmax_i16_eval(hil_graph *g, hil_node *node)
{
    const softmax_i16_params *p = node->params;
    const int16_t *in = (const int16_t *)(const void *)hil_node_input(g, node, 0)->data;
    int16_t *out = (int16_t *)(void *)hil_node_output(g, node, 0)->data;
    for (uint32_t r = 0; r < p->outer; r++)
        softmax_row(p, in + r * p->depth, out + r * p->depth);
    return HIL_OK;
}

const hil_kernel hil_kernel_softmax_i16 = {25, "SOFTMAX", softmax_i16_prepare, softmax_i16_eval};
