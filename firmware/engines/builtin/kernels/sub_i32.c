/* SUB, int32 (unquantized), with broadcasting and a fused activation: TFLM's
 * reference_ops::SubWithActivation / BroadcastSubSlow on int32. */
#include "arith_i32.h"

static int sub_i32_prepare(hil_graph *g, hil_node *node)
{
    return hil_i32_prepare(g, node, 1, 7);
}

HIL_BINARY_ROW(sub_i32, int32_t, int32_t, hil_i32_out(params, hil_wrap_sub(x, y)))

static int sub_i32_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, sub_i32_row); }

const hil_kernel hil_kernel_sub_i32 = {41, "SUB", sub_i32_prepare, sub_i32_eval};
