/* SQUARED_DIFFERENCE, int32 (unquantized), with broadcasting: TFLM's (a - b) * (a - b) on int32,
 * wrapping as it does on every target it runs on. */
#include "arith_i32.h"

static int squared_difference_i32_prepare(hil_graph *g, hil_node *node) { return hil_i32_prepare(g, node, -1, 0); }

static void squared_difference_i32_row(const void *params, const void *in1, int32_t step1, const void *in2,
                                       int32_t step2, void *out, int32_t n)
{
    const int32_t *a = in1, *b = in2;
    int32_t *o = out;
    for (int32_t i = 0; i < n; i++, a += step1, b += step2) {
        int32_t d = hil_wrap_sub(*a, *b);
        o[i] = hil_wrap_mul(d, d);
    }
}

static int squared_difference_i32_eval(hil_graph *g, hil_node *node)
{
    return hil_binary_eval(g, node, squared_difference_i32_row);
}

const hil_kernel hil_kernel_squared_difference_i32 = {99, "SQUARED_DIFFERENCE", squared_difference_i32_prepare,
                                                      squared_difference_i32_eval};
