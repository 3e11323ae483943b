/* SQUARED_DIFFERENCE, int32 (unquantized), with broadcasting: TFLM's (a - b) * (a - b) on int32,
 * wrapping as it does on every target it runs on. */
#include "arith_i32.h"

static int squared_difference_i32_prepare(hil_graph *g, hil_node *node) { return hil_i32_prepare(g, node, 0, 0); }

HIL_BINARY_ROW(squared_difference_i32, int32_t, int32_t, hil_wrap_mul(hil_wrap_sub(x, y), hil_wrap_sub(x, y)))

static int squared_difference_i32_eval(hil_graph *g, hil_node *node)
{
    return hil_binary_eval(g, node, squared_difference_i32_row);
}

const hil_kernel hil_kernel_squared_difference_i32 = {99, "SQUARED_DIFFERENCE", squared_difference_i32_prepare,
                                                      squared_difference_i32_eval};
