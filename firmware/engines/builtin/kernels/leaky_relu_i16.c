/* LEAKY_RELU, int16 (kernels/leaky_relu.h). */
#include "leaky_relu.h"

static int leaky_relu_i16_prepare(hil_graph *g, hil_node *node) { return hil_leaky_relu_prepare(g, node, HIL_INT16); }

static int leaky_relu_i16_eval(hil_graph *g, hil_node *node)
{
    const hil_leaky_relu_params *p = node->params;
    const int16_t *in = (const int16_t *)(const void *)hil_node_input(g, node, 0)->data;
    int16_t *out = (int16_t *)(void *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++)
        out[i] = (int16_t)hil_leaky_relu_element(p, in[i], INT16_MIN, INT16_MAX);
    return HIL_OK;
}

const hil_kernel hil_kernel_leaky_relu_i16 = {98, "LEAKY_RELU", leaky_relu_i16_prepare, leaky_relu_i16_eval};
