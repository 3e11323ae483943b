/* UNIDIRECTIONAL_SEQUENCE_LSTM, int16 activations, int8 weights, int64 biases, int16 cell state
 * (16x8): TFLM's EvalLstm<int16_t, int8_t, int16_t, int64_t>. Each gate's fully-connected
 * products are TFLM's 16x8 reference_integer_ops::FullyConnected: int64 sums and its int64
 * requantization, to Q3.12; the steps, the cell and hidden state arithmetic are the int8
 * kernel's (unidirectional_sequence_lstm_q.h). */
#include "unidirectional_sequence_lstm_q.h"

static int lstm_i16_prepare(hil_graph *g, hil_node *node)
{
    int status;
    hil_lstm_q_params *p = hil_lstm_q_new(g, node, HIL_INT16, HIL_INT64, &status);
    if (!p)
        return status;
    for (unsigned k = 0; k < HIL_GATES; k++)
        if (p->q.in_shift[k] > 14 || p->q.rec_shift[k] > 14) /* TFLM's int64 rescale shifts right by 15 - shift */
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "a gate's scale ratio is too large for TFLM's 16x8 rescale");
    node->params = p;
    return hil_lstm_q_scratch(g, node, p);
}

/* int64 biases are only 4-byte aligned in a model: read them byte-wise (an LDRD faults there). */
static int64_t bias_at(const uint8_t *bias, uint32_t s)
{
    int64_t v;
    memcpy(&v, bias + 8u * s, sizeof v);
    return v;
}

static void fc(const void *input, int32_t x_offset, const int8_t *w, int32_t w_offset, const void *biases,
               int32_t mult, int shift, uint32_t rows, uint32_t depth, uint32_t units, int16_t *out)
{
    const int16_t *x = input;
    const uint8_t *bias = biases;
    for (uint32_t r = 0; r < rows; r++, x += depth) {
        for (uint32_t s = 0; s < units; s++) {
            const int8_t *ws = w + s * depth;
            int64_t acc = 0;
            for (uint32_t d = 0; d < depth; d++)
                acc += (int64_t)(ws[d] + w_offset) * (x[d] + x_offset);
            if (bias)
                acc += bias_at(bias, s);
            out[r * units + s] = hil_sat16(hil_multiply_by_quantized_multiplier_64(acc, mult, shift));
        }
    }
}

static int lstm_i16_eval(hil_graph *g, hil_node *node) { return hil_lstm_q_eval(g, node, fc, 2); }

const hil_kernel hil_kernel_unidirectional_sequence_lstm_i16 = {44, "UNIDIRECTIONAL_SEQUENCE_LSTM", lstm_i16_prepare,
                                                                lstm_i16_eval};
