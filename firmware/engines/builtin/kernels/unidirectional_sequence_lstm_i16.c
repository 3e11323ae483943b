/* UNIDIRECTIONAL_SEQUENCE_LSTM, int16 activations, int8 weights, int64 biases, int16 cell state
 * (16x8): TFLM's EvalLstm<int16_t, int8_t, int16_t, int64_t>. Each gate's fully-connected
 * products are TFLM's 16x8 reference_integer_ops::FullyConnected: int64 sums and its int64
 * requantization, to Q3.12; the cell and hidden state arithmetic is the int8 kernel's
 * (unidirectional_sequence_lstm_q.h). */
#include <string.h>

#include "unidirectional_sequence_lstm_q.h"

typedef struct {
    hil_lstm_size size;
    hil_lstm_q q;
} lstm_i16_params;

static int lstm_i16_prepare(hil_graph *g, hil_node *node)
{
    lstm_i16_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    int status = hil_lstm_check(g, node, HIL_INT16, HIL_INT8, HIL_INT64, HIL_INT16, &p->size);
    if (status != HIL_OK)
        return status;
    hil_lstm_q_prepare(g, node, &p->size, &p->q);
    for (unsigned k = 0; k < HIL_GATES; k++)
        if (p->q.in_shift[k] > 14 || p->q.rec_shift[k] > 14) /* TFLM's int64 rescale shifts right by 15 - shift */
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "a gate's scale ratio is too large for TFLM's 16x8 rescale");
    node->params = p;
    return hil_request_scratch(g, node, 4u * hil_lstm_rows(&p->size) * p->size.state * sizeof(int16_t));
}

/* int64 biases are only 4-byte aligned in a model: read them byte-wise (an LDRD faults there). */
static int64_t bias_at(const uint8_t *bias, uint32_t s)
{
    int64_t v;
    memcpy(&v, bias + 8u * s, sizeof v);
    return v;
}

static void fc(const int16_t *x, int32_t x_offset, const int8_t *w, int32_t w_offset, const uint8_t *bias,
               int32_t mult, int shift, uint32_t rows, uint32_t depth, uint32_t units, int16_t *out)
{
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

static void gate(hil_graph *g, hil_node *node, const lstm_i16_params *p, unsigned k, const int16_t *x,
                 const int16_t *h, int16_t *out, int16_t *recurrent)
{
    const hil_lstm_size *s = &p->size;
    const hil_lstm_q *q = &p->q;
    const uint32_t rows = hil_lstm_rows(s), n = rows * s->state;
    const int8_t *w = (const int8_t *)hil_node_input(g, node, hil_lstm_gate_inputs[k][0])->data;
    const int8_t *r = (const int8_t *)hil_node_input(g, node, hil_lstm_gate_inputs[k][1])->data;
    const uint8_t *bias = hil_node_input(g, node, hil_lstm_gate_inputs[k][2])->data;
    fc(x, q->input_offset, w, q->w_offset[k], bias, q->in_mult[k], q->in_shift[k], rows, s->input, s->state, out);
    fc(h, q->hidden_offset, r, q->r_offset[k], 0, q->rec_mult[k], q->rec_shift[k], rows, s->state, s->state,
       recurrent);
    for (uint32_t e = 0; e < n; e++)
        out[e] = hil_sat16((int32_t)out[e] + recurrent[e]);
    hil_lstm_activate(out, n, k == HIL_GATE_CELL);
}

static int lstm_i16_eval(hil_graph *g, hil_node *node)
{
    const lstm_i16_params *p = node->params;
    const hil_lstm_size *s = &p->size;
    const int16_t *input = (const int16_t *)(const void *)hil_node_input(g, node, HIL_LSTM_INPUT)->data;
    int16_t *hidden = (int16_t *)(void *)hil_node_input(g, node, HIL_LSTM_HIDDEN)->data;
    int16_t *cell = (int16_t *)(void *)hil_node_input(g, node, HIL_LSTM_CELL_STATE)->data;
    int16_t *output = (int16_t *)(void *)hil_node_output(g, node, 0)->data;
    const uint32_t n = hil_lstm_rows(s) * s->state;
    int16_t *buf = hil_scratch(g, node), *f = buf, *i = buf + n, *gc = buf + 2 * n, *o = buf + 3 * n;
    for (uint32_t k = 0; k < hil_lstm_steps(s); k++) {
        hil_lstm_offsets at = hil_lstm_step(s, k);
        const int16_t *x = input + at.input;
        int16_t *h = hidden + at.state;
        gate(g, node, p, HIL_GATE_FORGET, x, h, f, o);
        gate(g, node, p, HIL_GATE_INPUT, x, h, i, o);
        gate(g, node, p, HIL_GATE_CELL, x, h, gc, o);
        hil_lstm_update_cell(&p->q, cell + at.state, f, i, gc, n);
        gate(g, node, p, HIL_GATE_OUTPUT, x, h, o, f);
        hil_lstm_update_hidden(&p->q, cell + at.state, o, h, 1, n);
        memcpy(output + at.output, h, n * sizeof(int16_t));
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_unidirectional_sequence_lstm_i16 = {44, "UNIDIRECTIONAL_SEQUENCE_LSTM", lstm_i16_prepare,
                                                                lstm_i16_eval};
