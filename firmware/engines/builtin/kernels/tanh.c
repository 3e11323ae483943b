/* TANH, int8 -> int8: TFLM's reference_integer_ops::Tanh. Inputs beyond +-input_radius
 * saturate; others are rescaled to Q4.27, go through the fixed-point tanh, and are rounded to
 * Q0.7 (TFLM assumes an output scale of 1/128 and zero point 0 and checks neither;
 * logistic_tanh.h). */
#include "logistic_tanh.h"

static int tanh_prepare(hil_graph *g, hil_node *node)
{
    int status = hil_unary_check(g, node, HIL_INT8);
    if (status == HIL_OK)
        hil_q4_prepare(g, node, "input scale out of the range TFLM's int8 tanh handles", &status);
    return status;
}

/* Q0.31 tanh rounded to Q0.7. */
static int32_t tanh_out(int32_t x_q4)
{
    return hil_rounding_divide_by_pot(hil_fp_tanh(x_q4, HIL_Q4_INTEGER_BITS), 31 - 7);
}

static int tanh_eval(hil_graph *g, hil_node *node) { return hil_q4_eval(g, node, tanh_out); }

const hil_kernel hil_kernel_tanh = {28, "TANH", tanh_prepare, tanh_eval};
