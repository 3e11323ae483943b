/* LEAKY_RELU, int8 (kernels/leaky_relu.h). */
#include "leaky_relu.h"

static int leaky_relu_prepare(hil_graph *g, hil_node *node) { return hil_leaky_relu_prepare(g, node, HIL_INT8); }

static int leaky_relu_eval(hil_graph *g, hil_node *node)
{
    const hil_leaky_relu_params *p = node->params;
    const int8_t *in = (const int8_t *)hil_node_input(g, node, 0)->data;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++)
        out[i] = (int8_t)hil_leaky_relu_element(p, in[i], INT8_MIN, INT8_MAX);
    return HIL_OK;
}

const hil_kernel hil_kernel_leaky_relu = {98, "LEAKY_RELU", leaky_relu_prepare, leaky_relu_eval};
