/* TANH, int16 -> int16 (16x8 models): TFLM's reference_integer_ops::Tanh for int16, through the
 * sigmoid table (tanh(x) = 2 sigmoid(2x) - 1): the Q3.12 input's magnitude indexes the table in
 * steps of 2^8, interpolates, and the result is centred and scaled to Q0.15, odd in x. Input
 * rescale and table: kernels/sigmoid_i16.h. */
#include "sigmoid_i16.h"

static int tanh_i16_prepare(hil_graph *g, hil_node *node) { return hil_sigmoid_i16_prepare(g, node, 3u); }

static int16_t tanh_i16_element(const hil_sigmoid_i16_params *p, int16_t x)
{
    int32_t input = hil_sigmoid_i16_input(p, x);
    uint32_t magnitude = (uint32_t)(input < 0 ? -input : input);
    uint32_t index = magnitude >> 8;
    int32_t result;
    if (index >= 255) {
        result = 0xFFFF << 8;
    } else {
        uint32_t a = hil_sigmoid_lut[index], b = hil_sigmoid_lut[index + 1];
        result = (int32_t)((a << 8) + (magnitude & 0xFF) * (b - a));
    }
    result = input >= 0 ? result - (1 << (14 + 9)) + (1 << (9 - 2)) : -result + (1 << (14 + 9)) + (1 << (9 - 2)) - 1;
    return (int16_t)(result >> (9 - 1));
}

static int tanh_i16_eval(hil_graph *g, hil_node *node)
{
    const hil_sigmoid_i16_params *p = node->params;
    const int16_t *in = (const int16_t *)(const void *)hil_node_input(g, node, 0)->data;
    int16_t *out = (int16_t *)(void *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++)
        out[i] = tanh_i16_element(p, in[i]);
    return HIL_OK;
}

const hil_kernel hil_kernel_tanh_i16 = {28, "TANH", tanh_i16_prepare, tanh_i16_eval};
