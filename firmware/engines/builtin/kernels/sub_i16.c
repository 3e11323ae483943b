/* SUB, int16 (16x8 models), with broadcasting and a fused activation: TFLM's quantized SUB with a
 * left shift of 15 (kernels/add_sub.h). */
#include "add_sub.h"

static int sub_i16_prepare(hil_graph *g, hil_node *node) { return hil_add_sub_prepare(g, node, HIL_INT16); }

HIL_BINARY_ROW(sub_i16, int16_t, int16_t, hil_add_sub_element(params, x, y, HIL_ADD_SUB_LEFT_SHIFT_INT16, 1))

static int sub_i16_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, sub_i16_row); }

const hil_kernel hil_kernel_sub_i16 = {41, "SUB", sub_i16_prepare, sub_i16_eval};
