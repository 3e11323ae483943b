/* ADD, int32 (unquantized), with broadcasting: TFLM's reference_ops::Add / BroadcastAdd6DSlow
 * on int32, which ignore the fused activation. */
#include "arith_i32.h"

static int add_i32_prepare(hil_graph *g, hil_node *node) { return hil_i32_prepare(g, node, 0, 3); }

HIL_BINARY_ROW(add_i32, int32_t, int32_t, hil_wrap_add(x, y))

static int add_i32_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, add_i32_row); }

const hil_kernel hil_kernel_add_i32 = {0, "ADD", add_i32_prepare, add_i32_eval};
