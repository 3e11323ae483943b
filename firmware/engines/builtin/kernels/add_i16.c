/* ADD, int16 (16x8 models), with broadcasting and a fused activation: TFLM's general-scale int16
 * path (AddGeneralParamScale: the int8 arithmetic with a left shift of 15; kernels/add_sub.h). */
#include "add_sub.h"

static int add_i16_prepare(hil_graph *g, hil_node *node) { return hil_add_sub_prepare(g, node, HIL_INT16); }

HIL_BINARY_ROW(add_i16, int16_t, int16_t, hil_add_sub_element(params, x, y, HIL_ADD_SUB_LEFT_SHIFT_INT16, 0))

static int add_i16_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, add_i16_row); }

const hil_kernel hil_kernel_add_i16 = {0, "ADD", add_i16_prepare, add_i16_eval};
