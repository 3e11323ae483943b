/* RELU6, int8 (kernels/relu6.h). */
#include "relu6.h"

static int relu6_prepare(hil_graph *g, hil_node *node)
{
    return hil_relu6_prepare(g, node, HIL_INT8, INT8_MIN, INT8_MAX);
}

static int relu6_eval(hil_graph *g, hil_node *node)
{
    const hil_relu6_params *p = node->params;
    const int8_t *in = (const int8_t *)hil_node_input(g, node, 0)->data;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++)
        out[i] = (int8_t)hil_relu6_element(p, in[i]);
    return HIL_OK;
}

const hil_kernel hil_kernel_relu6 = {21, "RELU6", relu6_prepare, relu6_eval};
