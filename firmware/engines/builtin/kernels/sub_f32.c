/* SUB, float32, with NumPy-style broadcasting and a fused activation: TFLM's
 * reference_ops::SubWithActivation / BroadcastSubSlow, out = clamp(a - b). */
#include "arith_f32.h"

HIL_BINARY_ROW(sub_f32, float, float, hil_f32_arith_out(params, x - y))

static int sub_f32_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, sub_f32_row); }

const hil_kernel hil_kernel_sub_f32 = {41, "SUB", hil_f32_arith_prepare, sub_f32_eval};
