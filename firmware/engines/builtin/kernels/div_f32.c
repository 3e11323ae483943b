/* DIV, float32, with broadcasting and a fused activation: TFLM's reference_ops::Div /
 * BroadcastDivSlow, out = clamp(a / b). */
#include "arith_f32.h"

HIL_BINARY_ROW(div_f32, float, float, hil_f32_arith_out(params, x / y))

static int div_f32_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, div_f32_row); }

const hil_kernel hil_kernel_div_f32 = {42, "DIV", hil_f32_arith_prepare, div_f32_eval};
