/* MUL, int32 (unquantized), with broadcasting and a fused activation: TFLM's reference_ops::Mul
 * and BroadcastMul6DSlow on int32 (a wrapping product, then the activation clamp). */
#include "arith_i32.h"

static int mul_i32_prepare(hil_graph *g, hil_node *node)
{
    return hil_i32_prepare(g, node, 1, 0);
}

HIL_BINARY_ROW(mul_i32, int32_t, int32_t, hil_i32_out(params, hil_wrap_mul(x, y)))

static int mul_i32_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, mul_i32_row); }

const hil_kernel hil_kernel_mul_i32 = {18, "MUL", mul_i32_prepare, mul_i32_eval};
