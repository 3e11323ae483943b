/* SOFTMAX over the last dimension, int8 input, int8 output (zero point -128, scale 1/256) or
 * int16 output (zero point -32768, scale 1/65536): TFLM's fixed-point reference_ops::Softmax.
 * Differences from the row maximum are scaled by beta * input_scale into Q5.26, exponentiated
 * (exp_on_negative_values), summed in Q12.19, and each exp is multiplied by the reciprocal of
 * the sum; differences below diff_min contribute nothing and give the minimum output. */
#include <math.h>

#include "fixedpoint.h"
#include "hil_protocol.h"

enum { SOFTMAX_OPT_BETA = 0 };
#define SCALED_DIFF_INTEGER_BITS 5
#define ACCUMULATION_INTEGER_BITS 12

typedef struct {
    int32_t input_multiplier;
    int input_left_shift;
    int32_t diff_min;
    uint32_t outer, depth;
    int output_bits; /* 8 or 16 */
} softmax_params;

static int softmax_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 1 || hil_node_num_outputs(node) != 1 || !in || !out || in->ndim < 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs one input of rank >= 1 and one output");
    if (in->type != HIL_INT8 || (out->type != HIL_INT8 && out->type != HIL_INT16))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "only int8 input with int8 or int16 output is supported");
    if (out->type == HIL_INT8 && (out->zero_point != -128 || out->scale != 1.0f / 256))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int8 output must have zero point -128 and scale 1/256");
    if (out->type == HIL_INT16 &&
        (out->zero_point != -32768 || fabsf(out->scale - 1.0f / 65536) > 0.001f * (1.0f / 65536)))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int16 output must have zero point -32768 and scale 1/65536");
    if (hil_num_elements(in) != hil_num_elements(out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output sizes differ");
    softmax_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    float beta = hil_fb_f32(&g->fb, &node->options, SOFTMAX_OPT_BETA, 0.0f);
    if (!hil_softmax_scaling((double)beta, (double)in->scale, SCALED_DIFF_INTEGER_BITS, &p->input_multiplier,
                             &p->input_left_shift))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "beta * input scale is too small for TFLM's int8 softmax");
    p->diff_min = -hil_input_radius(SCALED_DIFF_INTEGER_BITS, p->input_left_shift);
    p->depth = (uint32_t)in->dims[in->ndim - 1];
    p->outer = hil_num_elements(in) / p->depth;
    p->output_bits = out->type == HIL_INT16 ? 16 : 8;
    node->params = p;
    return HIL_OK;
}

/* exp(beta * input_scale * diff) in Q0 for diff = x - max_in_row <= 0. */
static int32_t exp_of_diff(const softmax_params *p, int32_t diff)
{
    int32_t scaled = hil_multiply_by_quantized_multiplier_gt_one(diff, p->input_multiplier, p->input_left_shift);
    return hil_exp_on_negative_values(scaled, SCALED_DIFF_INTEGER_BITS);
}

static int softmax_eval(hil_graph *g, hil_node *node)
{
    const softmax_params *p = node->params;
    const int8_t *in = (const int8_t *)hil_node_input(g, node, 0)->data;
    void *out = hil_node_output(g, node, 0)->data;
    const int32_t out_min = p->output_bits == 16 ? INT16_MIN : INT8_MIN;
    const int32_t out_max = p->output_bits == 16 ? INT16_MAX : INT8_MAX;
    for (uint32_t r = 0; r < p->outer; r++, in += p->depth) {
        int32_t max_in_row = INT8_MIN;
        for (uint32_t c = 0; c < p->depth; c++)
            if (in[c] > max_in_row)
                max_in_row = in[c];
        int32_t sum_of_exps = 0; /* Q12.19 */
        for (uint32_t c = 0; c < p->depth; c++) {
            int32_t diff = in[c] - max_in_row;
            if (diff >= p->diff_min)
                sum_of_exps = hil_fp_add(sum_of_exps, hil_fp_rescale(exp_of_diff(p, diff), 0,
                                                                      ACCUMULATION_INTEGER_BITS));
        }
        int num_bits_over_unit;
        int32_t shifted_scale = hil_get_reciprocal(sum_of_exps, ACCUMULATION_INTEGER_BITS, &num_bits_over_unit);
        int exponent = num_bits_over_unit + 31 - p->output_bits;
        if (exponent < 0 || exponent > 31)
            return HIL_ERR_INVOKE_FAILED; /* TFLM's TFLITE_CHECK; unreachable for int8 inputs */
        for (uint32_t c = 0; c < p->depth; c++) {
            int32_t diff = in[c] - max_in_row;
            int32_t v = out_min;
            if (diff >= p->diff_min) {
                int32_t unsat = hil_rounding_divide_by_pot(hil_fp_mul(shifted_scale, exp_of_diff(p, diff)), exponent);
                v = hil_clamp(unsat + out_min, out_min, out_max);
            }
            if (p->output_bits == 16)
                ((int16_t *)out)[r * p->depth + c] = (int16_t)v;
            else
                ((int8_t *)out)[r * p->depth + c] = (int8_t)v;
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_softmax = {25, "SOFTMAX", softmax_prepare, softmax_eval};
