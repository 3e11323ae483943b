/* MUL, float32, with NumPy-style broadcasting and a fused activation: TFLM's reference_ops::Mul
 * (and BroadcastMul4DSlow), out = clamp(a * b). */
#include "arith_f32.h"

HIL_BINARY_ROW(mul_f32, float, float, hil_f32_arith_out(params, x * y))

static int mul_f32_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, mul_f32_row); }

const hil_kernel hil_kernel_mul_f32 = {18, "MUL", hil_f32_arith_prepare, mul_f32_eval};
