/* LOGISTIC, int8 -> int8 (output zero point -128, as TFLM requires; TFLM assumes scale 1/256):
 * TFLM's reference_integer_ops::Logistic. Inputs beyond +-input_radius saturate; others
 * are rescaled to Q4.27, go through the fixed-point logistic, and are rounded to 8 bits
 * (logistic_tanh.h). */
#include "logistic_tanh.h"

static int logistic_prepare(hil_graph *g, hil_node *node)
{
    int status = hil_unary_check(g, node, HIL_INT8);
    if (status != HIL_OK)
        return status;
    if (hil_node_output(g, node, 0)->zero_point != -128)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int8 output must have zero point -128 (as in TFLM)");
    hil_q4_prepare(g, node, "input scale out of the range TFLM's int8 logistic handles", &status);
    return status;
}

/* Q0.31 logistic rounded to 8 bits, zero point -128. */
static int32_t logistic_out(int32_t x_q4)
{
    return hil_rounding_divide_by_pot(hil_fp_logistic(x_q4, HIL_Q4_INTEGER_BITS), 31 - 8) - 128;
}

static int logistic_eval(hil_graph *g, hil_node *node) { return hil_q4_eval(g, node, logistic_out); }

const hil_kernel hil_kernel_logistic = {14, "LOGISTIC", logistic_prepare, logistic_eval};
