/* PRELU, int8 input and alpha (kernels/prelu.h). */
#include "prelu.h"

static int prelu_prepare(hil_graph *g, hil_node *node)
{
    return hil_prelu_prepare(g, node, HIL_INT8, "only int8 input, alpha and output are supported");
}

HIL_BINARY_ROW(prelu, int8_t, int8_t, hil_prelu_element(params, x, y, INT8_MIN, INT8_MAX))

static int prelu_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, prelu_row); }

const hil_kernel hil_kernel_prelu = {54, "PRELU", prelu_prepare, prelu_eval};
