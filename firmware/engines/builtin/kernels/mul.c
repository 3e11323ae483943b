/* MUL, int8, with broadcasting and a fused activation (kernels/mul.h). */
#include "mul.h"

static int mul_prepare(hil_graph *g, hil_node *node) { return hil_mul_prepare(g, node, HIL_INT8); }

HIL_BINARY_ROW(mul, int8_t, int8_t, hil_mul_element(params, x, y))

static int mul_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, mul_row); }

const hil_kernel hil_kernel_mul = {18, "MUL", mul_prepare, mul_eval};
