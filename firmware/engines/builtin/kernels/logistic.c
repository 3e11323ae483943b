/* LOGISTIC, int8 -> int8 (output zero point -128, as TFLM requires; TFLM assumes scale 1/256):
 * TFLM's reference_integer_ops::Logistic. Inputs beyond +-input_radius saturate; others
 * are rescaled to Q4.27, go through the fixed-point logistic, and are rounded to 8 bits. */
#include "fixedpoint.h"
#include "hil_protocol.h"
#include "unary.h"

#define INPUT_INTEGER_BITS 4

typedef struct {
    int32_t input_zero_point, input_radius, input_multiplier;
    int input_left_shift;
    uint32_t size;
} logistic_params;

static int logistic_prepare(hil_graph *g, hil_node *node)
{
    int status = hil_unary_check(g, node, HIL_INT8);
    if (status != HIL_OK)
        return status;
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (out->zero_point != -128)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int8 output must have zero point -128 (as in TFLM)");
    logistic_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    double real = (double)in->scale * (double)(1 << (31 - INPUT_INTEGER_BITS));
    if (!hil_frexp_multiplier(real, &p->input_multiplier, &p->input_left_shift))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input scale out of the range TFLM's int8 logistic handles");
    p->input_radius = hil_input_radius(INPUT_INTEGER_BITS, p->input_left_shift);
    p->input_zero_point = in->zero_point;
    p->size = hil_num_elements(in);
    node->params = p;
    return HIL_OK;
}

static int logistic_eval(hil_graph *g, hil_node *node)
{
    const logistic_params *p = node->params;
    const int8_t *in = (const int8_t *)hil_node_input(g, node, 0)->data;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++) {
        int32_t x = in[i] - p->input_zero_point;
        if (x <= -p->input_radius) {
            out[i] = INT8_MIN;
        } else if (x >= p->input_radius) {
            out[i] = INT8_MAX;
        } else {
            int32_t x_q4 = hil_multiply_by_quantized_multiplier(x, p->input_multiplier, p->input_left_shift);
            int32_t y_q0 = hil_fp_logistic(x_q4, INPUT_INTEGER_BITS);
            int32_t y = hil_rounding_divide_by_pot(y_q0, 31 - 8) - 128;
            out[i] = (int8_t)hil_clamp(y, INT8_MIN, INT8_MAX);
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_logistic = {14, "LOGISTIC", logistic_prepare, logistic_eval};
