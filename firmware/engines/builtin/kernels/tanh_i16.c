/* TANH, int16 -> int16 (16x8 models): TFLM's reference_integer_ops::Tanh for int16, through the
 * sigmoid table (tanh(x) = 2 sigmoid(2x) - 1): the Q3.12 input's magnitude indexes the table in
 * steps of 2^8, interpolates, and the result is centred and scaled to Q0.15, odd in x. Input
 * rescale and table: kernels/sigmoid_i16.h. */
#include "sigmoid_i16.h"

static int tanh_i16_prepare(hil_graph *g, hil_node *node) { return hil_sigmoid_i16_prepare(g, node, 3u); }

static int tanh_i16_eval(hil_graph *g, hil_node *node)
{
    const hil_sigmoid_i16_params *p = node->params;
    const int16_t *in = (const int16_t *)(const void *)hil_node_input(g, node, 0)->data;
    int16_t *out = (int16_t *)(void *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++)
        out[i] = hil_tanh_i16(p, in[i]);
    return HIL_OK;
}

const hil_kernel hil_kernel_tanh_i16 = {28, "TANH", tanh_i16_prepare, tanh_i16_eval};
