/* RELU, int8 (kernels/relu.h). */
#include "relu.h"

static int relu_prepare(hil_graph *g, hil_node *node) { return hil_relu_prepare(g, node, HIL_INT8, INT8_MIN, INT8_MAX); }

static int relu_eval(hil_graph *g, hil_node *node)
{
    const hil_relu_params *p = node->params;
    const int8_t *in = (const int8_t *)hil_node_input(g, node, 0)->data;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++)
        out[i] = (int8_t)hil_relu_element(p, in[i]);
    return HIL_OK;
}

const hil_kernel hil_kernel_relu = {19, "RELU", relu_prepare, relu_eval};
