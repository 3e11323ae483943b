/* LOGICAL_NOT, bool: one byte 0 or 1 per element, negated (TFLM's !v). */
#include "unary.h"

static int logical_not_prepare(hil_graph *g, hil_node *node) { return hil_unary_check(g, node, HIL_BOOL); }

static int logical_not_eval(hil_graph *g, hil_node *node)
{
    const hil_tensor *in = hil_node_input(g, node, 0);
    uint8_t *out = hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0, n = hil_num_elements(in); i < n; i++)
        out[i] = (uint8_t)!in->data[i];
    return HIL_OK;
}

const hil_kernel hil_kernel_logical_not = {87, "LOGICAL_NOT", logical_not_prepare, logical_not_eval};
