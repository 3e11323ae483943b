/* TANH, int8 -> int8: TFLM's reference_integer_ops::Tanh. Inputs beyond +-input_radius
 * saturate; others are rescaled to Q4.27, go through the fixed-point tanh, and are rounded to
 * Q0.7 (TFLM assumes an output scale of 1/128 and zero point 0 and checks neither). */
#include "fixedpoint.h"
#include "hil_protocol.h"
#include "unary.h"

#define INPUT_INTEGER_BITS 4

typedef struct {
    int32_t input_zero_point, input_radius, input_multiplier;
    int input_left_shift;
    uint32_t size;
} tanh_params;

static int tanh_prepare(hil_graph *g, hil_node *node)
{
    int status = hil_unary_check(g, node, HIL_INT8);
    if (status != HIL_OK)
        return status;
    hil_tensor *in = hil_node_input(g, node, 0);
    tanh_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    double real = (double)in->scale * (double)(1 << (31 - INPUT_INTEGER_BITS));
    if (!hil_frexp_multiplier(real, &p->input_multiplier, &p->input_left_shift))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input scale out of the range TFLM's int8 tanh handles");
    p->input_radius = hil_input_radius(INPUT_INTEGER_BITS, p->input_left_shift);
    p->input_zero_point = in->zero_point;
    p->size = hil_num_elements(in);
    node->params = p;
    return HIL_OK;
}

static int tanh_eval(hil_graph *g, hil_node *node)
{
    const tanh_params *p = node->params;
    const int8_t *in = (const int8_t *)hil_node_input(g, node, 0)->data;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++) {
        int32_t x = in[i] - p->input_zero_point;
        if (x <= -p->input_radius) {
            out[i] = INT8_MIN;
        } else if (x >= p->input_radius) {
            out[i] = INT8_MAX;
        } else {
            int32_t x_q4 = hil_multiply_by_quantized_multiplier(x, p->input_multiplier, p->input_left_shift);
            int32_t y = hil_rounding_divide_by_pot(hil_fp_tanh(x_q4, INPUT_INTEGER_BITS), 31 - 7);
            out[i] = (int8_t)hil_clamp(y, INT8_MIN, INT8_MAX);
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_tanh = {28, "TANH", tanh_prepare, tanh_eval};
