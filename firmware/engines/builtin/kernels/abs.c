/* ABS, int8 (kernels/abs.h). */
#include "abs.h"

static int abs_prepare(hil_graph *g, hil_node *node) { return hil_abs_prepare(g, node, HIL_INT8); }

static int abs_eval(hil_graph *g, hil_node *node)
{
    const hil_abs_params *p = node->params;
    const int8_t *in = (const int8_t *)hil_node_input(g, node, 0)->data;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++)
        out[i] = (int8_t)hil_abs_element(p, in[i], INT8_MIN, INT8_MAX);
    return HIL_OK;
}

const hil_kernel hil_kernel_abs = {101, "ABS", abs_prepare, abs_eval};
