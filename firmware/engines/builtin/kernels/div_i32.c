/* DIV, int32 (unquantized), with broadcasting and a fused activation: TFLM's reference_ops::Div
 * and BroadcastDivSlow on int32, C's truncating division. TFLM divides by zero (a trap on x86,
 * 0 on Cortex-M) and overflows INT32_MIN / -1 there; the engine gives what Cortex-M's SDIV
 * gives: 0 and INT32_MIN. */
#include "arith_i32.h"

static int div_i32_prepare(hil_graph *g, hil_node *node)
{
    return hil_i32_prepare(g, node, 1, 3);
}

static int32_t div_truncating(int32_t a, int32_t b)
{
    if (b == 0)
        return 0;
    return b == -1 ? (int32_t)(0u - (uint32_t)a) : a / b;
}

HIL_BINARY_ROW(div_i32, int32_t, int32_t, hil_i32_out(params, div_truncating(x, y)))

static int div_i32_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, div_i32_row); }

const hil_kernel hil_kernel_div_i32 = {42, "DIV", div_i32_prepare, div_i32_eval};
