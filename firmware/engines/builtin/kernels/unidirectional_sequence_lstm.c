/* UNIDIRECTIONAL_SEQUENCE_LSTM, int8 activations and weights, int32 biases, int16 cell state
 * (8x8 -> 16): TFLM's EvalLstm<int8_t, int8_t, int16_t, int32_t>. Each gate's fully-connected
 * products are TFLM's reference_integer_ops::FullyConnected with an int16 output in Q3.12 (int32
 * sums, wrapping as on TFLM's targets); the steps, the cell and hidden state arithmetic are
 * shared with the 16x8 kernel (unidirectional_sequence_lstm_q.h). */
#include "unidirectional_sequence_lstm_q.h"

static int lstm_prepare(hil_graph *g, hil_node *node)
{
    int status;
    hil_lstm_q_params *p = hil_lstm_q_new(g, node, HIL_INT8, HIL_INT32, &status);
    if (!p)
        return status;
    node->params = p;
    return hil_lstm_q_scratch(g, node, p);
}

/* out[r][s] = Q3.12(sum_d (w[s][d] + w_offset) * (x[r][d] + x_offset) + bias[s]), rows r. */
static void fc(const void *input, int32_t x_offset, const int8_t *w, int32_t w_offset, const void *biases,
               int32_t mult, int shift, uint32_t rows, uint32_t depth, uint32_t units, int16_t *out)
{
    const int8_t *x = input;
    const int32_t *bias = biases;
    for (uint32_t r = 0; r < rows; r++, x += depth) {
        for (uint32_t s = 0; s < units; s++) {
            const int8_t *ws = w + s * depth;
            uint32_t acc = bias ? (uint32_t)bias[s] : 0u;
            for (uint32_t d = 0; d < depth; d++)
                acc += (uint32_t)((ws[d] + w_offset) * (x[d] + x_offset));
            out[r * units + s] = hil_sat16(hil_multiply_by_quantized_multiplier((int32_t)acc, mult, shift));
        }
    }
}

static int lstm_eval(hil_graph *g, hil_node *node) { return hil_lstm_q_eval(g, node, fc, 1); }

const hil_kernel hil_kernel_unidirectional_sequence_lstm = {44, "UNIDIRECTIONAL_SEQUENCE_LSTM", lstm_prepare,
                                                            lstm_eval};
