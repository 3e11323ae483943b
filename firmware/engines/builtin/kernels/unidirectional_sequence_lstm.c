/* UNIDIRECTIONAL_SEQUENCE_LSTM, int8 activations and weights, int32 biases, int16 cell state
 * (8x8 -> 16): TFLM's EvalLstm<int8_t, int8_t, int16_t, int32_t>. Each gate's fully-connected
 * products are TFLM's reference_integer_ops::FullyConnected with an int16 output in Q3.12 (int32
 * sums, wrapping as on TFLM's targets); the cell and hidden state arithmetic is shared with the
 * 16x8 kernel (unidirectional_sequence_lstm_q.h). */
#include <string.h>

#include "unidirectional_sequence_lstm_q.h"

typedef struct {
    hil_lstm_size size;
    hil_lstm_q q;
} lstm_params;

static int lstm_prepare(hil_graph *g, hil_node *node)
{
    lstm_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    int status = hil_lstm_check(g, node, HIL_INT8, HIL_INT8, HIL_INT32, HIL_INT16, &p->size);
    if (status != HIL_OK)
        return status;
    hil_lstm_q_prepare(g, node, &p->size, &p->q);
    node->params = p;
    /* Four Q0.15 buffers of one step's rows: the forget, input, cell and output gates. */
    return hil_request_scratch(g, node, 4u * hil_lstm_rows(&p->size) * p->size.state * sizeof(int16_t));
}

/* out[r][s] = Q3.12(sum_d (w[s][d] + w_offset) * (x[r][d] + x_offset) + bias[s]), rows r. */
static void fc(const int8_t *x, int32_t x_offset, const int8_t *w, int32_t w_offset, const int32_t *bias,
               int32_t mult, int shift, uint32_t rows, uint32_t depth, uint32_t units, int16_t *out)
{
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

/* One gate of one step: input and recurrent products added with saturation, then activated. */
static void gate(hil_graph *g, hil_node *node, const lstm_params *p, unsigned k, const int8_t *x, const int8_t *h,
                 int16_t *out, int16_t *recurrent)
{
    const hil_lstm_size *s = &p->size;
    const hil_lstm_q *q = &p->q;
    const uint32_t rows = hil_lstm_rows(s), n = rows * s->state;
    const int8_t *w = (const int8_t *)hil_node_input(g, node, hil_lstm_gate_inputs[k][0])->data;
    const int8_t *r = (const int8_t *)hil_node_input(g, node, hil_lstm_gate_inputs[k][1])->data;
    const int32_t *bias = (const int32_t *)(const void *)hil_node_input(g, node, hil_lstm_gate_inputs[k][2])->data;
    fc(x, q->input_offset, w, q->w_offset[k], bias, q->in_mult[k], q->in_shift[k], rows, s->input, s->state, out);
    fc(h, q->hidden_offset, r, q->r_offset[k], 0, q->rec_mult[k], q->rec_shift[k], rows, s->state, s->state,
       recurrent);
    for (uint32_t e = 0; e < n; e++)
        out[e] = hil_sat16((int32_t)out[e] + recurrent[e]);
    hil_lstm_activate(out, n, k == HIL_GATE_CELL);
}

static int lstm_eval(hil_graph *g, hil_node *node)
{
    const lstm_params *p = node->params;
    const hil_lstm_size *s = &p->size;
    const int8_t *input = (const int8_t *)hil_node_input(g, node, HIL_LSTM_INPUT)->data;
    int8_t *hidden = (int8_t *)hil_node_input(g, node, HIL_LSTM_HIDDEN)->data;
    int16_t *cell = (int16_t *)(void *)hil_node_input(g, node, HIL_LSTM_CELL_STATE)->data;
    int8_t *output = (int8_t *)hil_node_output(g, node, 0)->data;
    const uint32_t n = hil_lstm_rows(s) * s->state;
    int16_t *buf = hil_scratch(g, node), *f = buf, *i = buf + n, *gc = buf + 2 * n, *o = buf + 3 * n;
    for (uint32_t k = 0; k < hil_lstm_steps(s); k++) {
        hil_lstm_offsets at = hil_lstm_step(s, k);
        const int8_t *x = input + at.input;
        int8_t *h = hidden + at.state;
        gate(g, node, p, HIL_GATE_FORGET, x, h, f, o);
        gate(g, node, p, HIL_GATE_INPUT, x, h, i, o);
        gate(g, node, p, HIL_GATE_CELL, x, h, gc, o);
        hil_lstm_update_cell(&p->q, cell + at.state, f, i, gc, n);
        gate(g, node, p, HIL_GATE_OUTPUT, x, h, o, f);
        hil_lstm_update_hidden(&p->q, cell + at.state, o, h, 0, n);
        memcpy(output + at.output, h, n);
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_unidirectional_sequence_lstm = {44, "UNIDIRECTIONAL_SEQUENCE_LSTM", lstm_prepare,
                                                            lstm_eval};
