/* SUB, int8, with broadcasting and a fused activation: TFLM's reference_ops::SubElementwise
 * (kernels/add_sub.h). */
#include "add_sub.h"

static int sub_prepare(hil_graph *g, hil_node *node) { return hil_add_sub_prepare(g, node, HIL_INT8); }

HIL_BINARY_ROW(sub, int8_t, int8_t, hil_add_sub_element(params, x, y, HIL_ADD_SUB_LEFT_SHIFT_INT8, 1))

static int sub_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, sub_row); }

const hil_kernel hil_kernel_sub = {41, "SUB", sub_prepare, sub_eval};
