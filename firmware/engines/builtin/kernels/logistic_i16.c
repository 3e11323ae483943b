/* LOGISTIC, int16 -> int16 (16x8 models): TFLM's reference_integer_ops::Logistic for int16. The
 * Q3.12 input's magnitude indexes the sigmoid table in steps of 2^9 and interpolates linearly
 * between neighbours; negative inputs use sigmoid(-x) = 1 - sigmoid(x); the result is Q0.15.
 * Input rescale and table: kernels/sigmoid_i16.h. */
#include "sigmoid_i16.h"

static int logistic_i16_prepare(hil_graph *g, hil_node *node) { return hil_sigmoid_i16_prepare(g, node, 1u); }

static int logistic_i16_eval(hil_graph *g, hil_node *node)
{
    const hil_sigmoid_i16_params *p = node->params;
    const int16_t *in = (const int16_t *)(const void *)hil_node_input(g, node, 0)->data;
    int16_t *out = (int16_t *)(void *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++)
        out[i] = hil_logistic_i16(p, in[i]);
    return HIL_OK;
}

const hil_kernel hil_kernel_logistic_i16 = {14, "LOGISTIC", logistic_i16_prepare, logistic_i16_eval};
