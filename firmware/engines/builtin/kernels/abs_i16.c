/* ABS, int16: quantized (16x8 models, zero points 0; kernels/abs.h), or unquantized, where TFLM
 * takes std::abs and |-32768| wraps back to -32768. */
#include "abs.h"

static int abs_i16_prepare(hil_graph *g, hil_node *node) { return hil_abs_prepare(g, node, HIL_INT16); }

static int abs_i16_eval(hil_graph *g, hil_node *node)
{
    const hil_abs_params *p = node->params;
    const int16_t *in = (const int16_t *)(const void *)hil_node_input(g, node, 0)->data;
    int16_t *out = (int16_t *)(void *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++)
        out[i] = p->quantized ? (int16_t)hil_abs_element(p, in[i], INT16_MIN, INT16_MAX)
                              : (int16_t)(in[i] < 0 ? -in[i] : in[i]);
    return HIL_OK;
}

const hil_kernel hil_kernel_abs_i16 = {101, "ABS", abs_i16_prepare, abs_i16_eval};
