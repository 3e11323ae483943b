/* MUL, int16 (16x8 models, zero points 0), with broadcasting and a fused activation
 * (kernels/mul.h). */
#include "mul.h"

static int mul_i16_prepare(hil_graph *g, hil_node *node) { return hil_mul_prepare(g, node, HIL_INT16); }

HIL_BINARY_ROW(mul_i16, int16_t, int16_t, hil_mul_element(params, x, y))

static int mul_i16_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, mul_i16_row); }

const hil_kernel hil_kernel_mul_i16 = {18, "MUL", mul_i16_prepare, mul_i16_eval};
