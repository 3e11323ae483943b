/* LOG_SOFTMAX over the last dimension, int8 (output scale 16/256 and zero point 127, as TFLM
 * requires): TFLM's reference_ops::LogSoftmaxQuantized. Differences from the row maximum are
 * scaled into Q5.26 (beta 1), their exps summed in Q12.19, the log of the sum taken in Q5.26 and
 * subtracted, the result rounded to Q4.3 and offset by 127; differences at or below TFLM's
 * adjusted diff_min give -128. */
#include "fixedpoint.h"
#include "last_axis.h"

#define INPUT_INTEGER_BITS 5
#define ACCUMULATION_INTEGER_BITS 12
#define OUTPUT_INTEGER_BITS 4

typedef struct {
    int32_t input_multiplier, reverse_scaling_divisor;
    int input_left_shift, reverse_scaling_shift;
    int32_t diff_min;
    uint32_t outer, depth;
} log_softmax_params;

static int log_softmax_prepare(hil_graph *g, hil_node *node)
{
    int status = hil_last_axis_check(g, node, HIL_INT8, HIL_MAX_DIMS);
    if (status != HIL_OK)
        return status;
    const hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    if (out->scale != 16.0f / 256 || out->zero_point != 127)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int8 output must have scale 16/256 and zero point 127");
    log_softmax_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    if (!hil_softmax_scaling(1.0, (double)in->scale, INPUT_INTEGER_BITS, &p->input_multiplier, &p->input_left_shift) ||
        !hil_quantize_multiplier_below_one((double)(1 << (31 - p->input_left_shift)) / (double)p->input_multiplier,
                                           &p->reverse_scaling_divisor, &p->reverse_scaling_shift))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input scale too small for TFLM's int8 log softmax");
    p->diff_min = -hil_input_radius(INPUT_INTEGER_BITS, p->input_left_shift);
    hil_last_axis_rows(in, &p->outer, &p->depth);
    node->params = p;
    return HIL_OK;
}

/* A difference from the row maximum in Q5.26. */
static int32_t scaled_diff(const log_softmax_params *p, int32_t diff)
{
    return hil_multiply_by_quantized_multiplier(diff, p->input_multiplier, p->input_left_shift);
}

static void log_softmax_row(const log_softmax_params *p, const int8_t *in, int8_t *out)
{
    int32_t max_in_row = INT8_MIN;
    for (uint32_t c = 0; c < p->depth; c++)
        max_in_row = in[c] > max_in_row ? in[c] : max_in_row;
    int32_t sum_of_exps = 0; /* Q12.19 */
    for (uint32_t c = 0; c < p->depth; c++) {
        int32_t diff = in[c] - max_in_row;
        if (diff >= p->diff_min) {
            int32_t e = hil_exp_on_negative_values(scaled_diff(p, diff), INPUT_INTEGER_BITS);
            sum_of_exps = hil_fp_add(sum_of_exps, hil_fp_rescale(e, 0, ACCUMULATION_INTEGER_BITS));
        }
    }
    const int32_t log_sum = hil_log_x_for_x_ge_1(sum_of_exps, ACCUMULATION_INTEGER_BITS, INPUT_INTEGER_BITS);
    const int32_t rescaled_floor = hil_multiply_by_quantized_multiplier(
        hil_fp_add(log_sum, INT32_MIN), p->reverse_scaling_divisor, p->reverse_scaling_shift);
    const int32_t adjusted_diff_min = p->diff_min - 1 > rescaled_floor ? p->diff_min - 1 : rescaled_floor;
    for (uint32_t c = 0; c < p->depth; c++) {
        int32_t diff = in[c] - max_in_row;
        int32_t v = INT8_MIN;
        if (diff > adjusted_diff_min) {
            int32_t shifted = hil_fp_sub(scaled_diff(p, diff), log_sum);
            v = hil_clamp(hil_rounding_divide_by_pot(shifted, 31 - INPUT_INTEGER_BITS - OUTPUT_INTEGER_BITS) + INT8_MAX,
                          INT8_MIN, INT8_MAX);
        }
        out[c] = (int8_t)v;
    }
}

static int log_softmax_eval(hil_graph *g, hil_node *node)
{
    const log_softmax_params *p = node->params;
    const int8_t *in = (const int8_t *)hil_node_input(g, node, 0)->data;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    for (uint32_t r = 0; r < p->outer; r++)
        log_softmax_row(p, in + r * p->depth, out + r * p->depth);
    return HIL_OK;
}

const hil_kernel hil_kernel_log_softmax = {50, "LOG_SOFTMAX", log_softmax_prepare, log_softmax_eval};
