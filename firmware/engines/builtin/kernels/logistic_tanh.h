/* LOGISTIC and TANH, int8: the input stage both take from TFLM's reference_integer_ops (an
 * input of 4 integer bits): inputs beyond +-input_radius saturate the output, others are
 * rescaled to Q4.27 for the fixed-point function. Header-only. */
#ifndef HIL_LOGISTIC_TANH_H
#define HIL_LOGISTIC_TANH_H
#include "fixedpoint.h"
#include "hil_protocol.h"
#include "unary.h"

#define HIL_Q4_INTEGER_BITS 4

typedef struct {
    int32_t input_zero_point, input_radius, input_multiplier;
    int input_left_shift;
    uint32_t size;
} hil_q4_params;

/* The parameters of an int8 input, the node's checks done; NULL with *status set when the input
 * scale is outside what TFLM handles (`range_message`) or the arena is full. */
static inline hil_q4_params *hil_q4_prepare(hil_graph *g, hil_node *node, const char *range_message, int *status)
{
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_q4_params *p = hil_persistent_alloc(g, sizeof *p);
    *status = HIL_OK;
    if (!p) {
        *status = hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
        return NULL;
    }
    double real = (double)in->scale * (double)(1 << (31 - HIL_Q4_INTEGER_BITS));
    if (!hil_frexp_multiplier(real, &p->input_multiplier, &p->input_left_shift)) {
        *status = hil_reject(g, node, HIL_ERR_UNSUPPORTED, range_message);
        return NULL;
    }
    p->input_radius = hil_input_radius(HIL_Q4_INTEGER_BITS, p->input_left_shift);
    p->input_zero_point = in->zero_point;
    p->size = hil_num_elements(in);
    node->params = p;
    return p;
}

/* Eval of both: inputs beyond the radius saturate the output, others go through `function`
 * (Q4.27 in, the int8 output before its clamp). */
static inline int hil_q4_eval(hil_graph *g, hil_node *node, int32_t (*function)(int32_t x_q4))
{
    const hil_q4_params *p = node->params;
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
            out[i] = (int8_t)hil_clamp(function(x_q4), INT8_MIN, INT8_MAX);
        }
    }
    return HIL_OK;
}

#endif
