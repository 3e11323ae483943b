/* ADD, float32, with NumPy-style broadcasting and a fused activation: TFLM's reference_ops::Add
 * (and BroadcastAdd), out = clamp(a + b). */
#include "arith_f32.h"

HIL_BINARY_ROW(add_f32, float, float, hil_f32_arith_out(params, x + y))

static int add_f32_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, add_f32_row); }

const hil_kernel hil_kernel_add_f32 = {0, "ADD", hil_f32_arith_prepare, add_f32_eval};
