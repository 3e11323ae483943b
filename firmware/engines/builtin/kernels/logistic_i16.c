/* LOGISTIC, int16 -> int16 (16x8 models): TFLM's reference_integer_ops::Logistic for int16. The
 * Q3.12 input's magnitude indexes the sigmoid table in steps of 2^9 and interpolates linearly
 * between neighbours; negative inputs use sigmoid(-x) = 1 - sigmoid(x); the result is Q0.15.
 * Input rescale and table: kernels/sigmoid_i16.h. */
#include "sigmoid_i16.h"

static int logistic_i16_prepare(hil_graph *g, hil_node *node) { return hil_sigmoid_i16_prepare(g, node, 1u); }

static int16_t logistic_i16_element(const hil_sigmoid_i16_params *p, int16_t x)
{
    int32_t input = hil_sigmoid_i16_input(p, x);
    uint32_t magnitude = (uint32_t)(input < 0 ? -input : input);
    uint32_t index = magnitude >> 9;
    uint32_t result;
    if (index >= 255) {
        result = 0x7FFFu << 10;
    } else {
        uint32_t a = hil_sigmoid_lut[index], b = hil_sigmoid_lut[index + 1];
        result = (a << 9) + (magnitude & 0x1FF) * (b - a);
    }
    result = input >= 0 ? result + (1u << 9) : (1u << (16 + 9)) - result + (1u << 9) - 1;
    return (int16_t)(result >> 10);
}

static int logistic_i16_eval(hil_graph *g, hil_node *node)
{
    const hil_sigmoid_i16_params *p = node->params;
    const int16_t *in = (const int16_t *)(const void *)hil_node_input(g, node, 0)->data;
    int16_t *out = (int16_t *)(void *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++)
        out[i] = logistic_i16_element(p, in[i]);
    return HIL_OK;
}

const hil_kernel hil_kernel_logistic_i16 = {14, "LOGISTIC", logistic_i16_prepare, logistic_i16_eval};
