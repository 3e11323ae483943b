/* RELU6, int16 (16x8 models; kernels/relu6.h). */
#include "relu6.h"

static int relu6_i16_prepare(hil_graph *g, hil_node *node)
{
    return hil_relu6_prepare(g, node, HIL_INT16, INT16_MIN, INT16_MAX);
}

static int relu6_i16_eval(hil_graph *g, hil_node *node)
{
    const hil_relu6_params *p = node->params;
    const int16_t *in = (const int16_t *)(const void *)hil_node_input(g, node, 0)->data;
    int16_t *out = (int16_t *)(void *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++)
        out[i] = (int16_t)hil_relu6_element(p, in[i]);
    return HIL_OK;
}

const hil_kernel hil_kernel_relu6_i16 = {21, "RELU6", relu6_i16_prepare, relu6_i16_eval};
