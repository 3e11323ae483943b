/* UNIDIRECTIONAL_SEQUENCE_LSTM, float32: TFLM's EvalLstm<float, float, float, float>. Each gate
 * is reference_ops::FullyConnected of the input row (with the gate's bias) plus that of the
 * hidden state (no bias), then reference_ops::Logistic, or tanh for the cell gate; the cell
 * c = f * c + i * g (clipped when cell_clip > 0) and h = tanh(c) * o, in TFLM's order. */
#include <math.h>
#include <string.h>

#include "unary_f32.h"
#include "unidirectional_sequence_lstm.h"

static int lstm_f32_prepare(hil_graph *g, hil_node *node)
{
    hil_lstm_size *s = hil_persistent_alloc(g, sizeof *s);
    if (!s)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    int status = hil_lstm_check(g, node, HIL_FLOAT32, HIL_FLOAT32, HIL_FLOAT32, HIL_FLOAT32, s);
    if (status != HIL_OK)
        return status;
    node->params = s;
    return hil_request_scratch(g, node, 4u * hil_lstm_rows(s) * s->state * sizeof(float));
}

static void fc(const float *x, const float *w, const float *bias, uint32_t rows, uint32_t depth, uint32_t units,
               float *out)
{
    for (uint32_t r = 0; r < rows; r++, x += depth) {
        for (uint32_t s = 0; s < units; s++) {
            const float *ws = w + s * depth;
            float total = 0.0f;
            for (uint32_t d = 0; d < depth; d++)
                total += x[d] * ws[d];
            out[r * units + s] = total + (bias ? bias[s] : 0.0f);
        }
    }
}

static void gate(hil_graph *g, hil_node *node, const hil_lstm_size *s, unsigned k, const float *x, const float *h,
                 float *out, float *recurrent)
{
    const uint32_t rows = hil_lstm_rows(s), n = rows * s->state;
    const float *w = (const float *)(const void *)hil_node_input(g, node, hil_lstm_gate_inputs[k][0])->data;
    const float *r = (const float *)(const void *)hil_node_input(g, node, hil_lstm_gate_inputs[k][1])->data;
    const float *bias = (const float *)(const void *)hil_node_input(g, node, hil_lstm_gate_inputs[k][2])->data;
    fc(x, w, bias, rows, s->input, s->state, out);
    fc(h, r, 0, rows, s->state, s->state, recurrent);
    int tanh = k == HIL_GATE_CELL;
    for (uint32_t e = 0; e < n; e++) {
        float v = out[e] + recurrent[e];
        out[e] = tanh ? tanhf(v) : hil_logistic_f32(v);
    }
}

static int lstm_f32_eval(hil_graph *g, hil_node *node)
{
    const hil_lstm_size *s = node->params;
    const float *input = (const float *)(const void *)hil_node_input(g, node, HIL_LSTM_INPUT)->data;
    float *hidden = (float *)(void *)hil_node_input(g, node, HIL_LSTM_HIDDEN)->data;
    float *cell = (float *)(void *)hil_node_input(g, node, HIL_LSTM_CELL_STATE)->data;
    float *output = (float *)(void *)hil_node_output(g, node, 0)->data;
    const uint32_t n = hil_lstm_rows(s) * s->state;
    float *buf = hil_scratch(g, node), *f = buf, *i = buf + n, *gc = buf + 2 * n, *o = buf + 3 * n;
    for (uint32_t k = 0; k < hil_lstm_steps(s); k++) {
        hil_lstm_offsets at = hil_lstm_step(s, k);
        const float *x = input + at.input;
        float *h = hidden + at.state, *c = cell + at.state;
        gate(g, node, s, HIL_GATE_FORGET, x, h, f, o);
        gate(g, node, s, HIL_GATE_INPUT, x, h, i, o);
        gate(g, node, s, HIL_GATE_CELL, x, h, gc, o);
        for (uint32_t e = 0; e < n; e++) {
            float kept = f[e] * c[e], added = i[e] * gc[e];
            c[e] = kept + added;
            if (s->cell_clip > 0.0f)
                c[e] = hil_f32_clamp(c[e], -s->cell_clip, s->cell_clip);
        }
        gate(g, node, s, HIL_GATE_OUTPUT, x, h, o, f);
        for (uint32_t e = 0; e < n; e++)
            h[e] = tanhf(c[e]) * o[e];
        memcpy(output + at.output, h, n * sizeof(float));
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_unidirectional_sequence_lstm_f32 = {44, "UNIDIRECTIONAL_SEQUENCE_LSTM", lstm_f32_prepare,
                                                                lstm_f32_eval};
