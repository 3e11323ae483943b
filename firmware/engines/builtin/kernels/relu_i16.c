/* RELU, int16 (16x8 models; kernels/relu.h). */
#include "relu.h"

static int relu_i16_prepare(hil_graph *g, hil_node *node)
{
    return hil_relu_prepare(g, node, HIL_INT16, INT16_MIN, INT16_MAX);
}

static int relu_i16_eval(hil_graph *g, hil_node *node)
{
    const hil_relu_params *p = node->params;
    const int16_t *in = (const int16_t *)(const void *)hil_node_input(g, node, 0)->data;
    int16_t *out = (int16_t *)(void *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++)
        out[i] = (int16_t)hil_relu_element(p, in[i]);
    return HIL_OK;
}

const hil_kernel hil_kernel_relu_i16 = {19, "RELU", relu_i16_prepare, relu_i16_eval};
