/* UNIDIRECTIONAL_SEQUENCE_LSTM: what its int8 (8x8 -> 16-bit cell), int16 (16x8) and float32
 * kernels share. TFLM's standard LSTM only (as Keras' LSTM layer converts): four gates with input
 * and recurrent weights and a bias, no peephole, no projection, no layer norm, no CIFG; hidden
 * and cell states are variable tensors, carried from one invoke to the next until a reset.
 *
 * Per time step, as TFLM's LstmStep: the forget, input and cell (tanh) gates (from the input row and the
 * previous hidden state), the cell update c = f * c + i * g (clipped), the output gate, then
 * h = tanh(c) * o, which is also the step's output row. Batch-major input [batch, time, input]
 * runs one batch row at a time through all its steps; time-major [time, batch, input] runs all
 * batch rows of a step together. Header-only (static inline). */
#ifndef HIL_UNIDIRECTIONAL_SEQUENCE_LSTM_H
#define HIL_UNIDIRECTIONAL_SEQUENCE_LSTM_H
#include <stdint.h>

#include "graph.h"
#include "hil_protocol.h"

/* Inputs (TFLM's lstm_shared.h numbering). */
enum {
    HIL_LSTM_INPUT = 0,
    HIL_LSTM_W_INPUT = 1, HIL_LSTM_W_FORGET = 2, HIL_LSTM_W_CELL = 3, HIL_LSTM_W_OUTPUT = 4,
    HIL_LSTM_R_INPUT = 5, HIL_LSTM_R_FORGET = 6, HIL_LSTM_R_CELL = 7, HIL_LSTM_R_OUTPUT = 8,
    HIL_LSTM_B_INPUT = 12, HIL_LSTM_B_FORGET = 13, HIL_LSTM_B_CELL = 14, HIL_LSTM_B_OUTPUT = 15,
    HIL_LSTM_HIDDEN = 18, HIL_LSTM_CELL_STATE = 19,
    HIL_LSTM_INPUTS = 24,
};
/* UnidirectionalSequenceLSTMOptions fields. */
enum { HIL_LSTM_OPT_ACTIVATION = 0, HIL_LSTM_OPT_CELL_CLIP = 1, HIL_LSTM_OPT_TIME_MAJOR = 3 };
/* The gates, in TFLM's order of computation, and each one's weights and bias inputs. */
enum { HIL_GATE_FORGET, HIL_GATE_INPUT, HIL_GATE_CELL, HIL_GATE_OUTPUT, HIL_GATES };
static const uint8_t hil_lstm_gate_inputs[HIL_GATES][3] = {
    {HIL_LSTM_W_FORGET, HIL_LSTM_R_FORGET, HIL_LSTM_B_FORGET},
    {HIL_LSTM_W_INPUT, HIL_LSTM_R_INPUT, HIL_LSTM_B_INPUT},
    {HIL_LSTM_W_CELL, HIL_LSTM_R_CELL, HIL_LSTM_B_CELL},
    {HIL_LSTM_W_OUTPUT, HIL_LSTM_R_OUTPUT, HIL_LSTM_B_OUTPUT},
};
enum { HIL_ACT_TANH = 4 }; /* ActivationFunctionType: the cell gate's, the only one TFLM runs */

typedef struct {
    uint32_t batch, time, input, state;
    uint8_t time_major;
    float cell_clip;   /* > 0: the cell state is clipped to +-cell_clip */
} hil_lstm_size;

/* Rows of one step (time-major runs the whole batch per step). */
static inline uint32_t hil_lstm_rows(const hil_lstm_size *s) { return s->time_major ? s->batch : 1u; }

/* Checks the node is TFLM's standard LSTM with activations, weights and biases of the given
 * types (hidden state and output of the activation type), and fills the sizes. */
static inline int hil_lstm_check(hil_graph *g, hil_node *node, int act_type, int weight_type, int bias_type,
                                 int cell_type, hil_lstm_size *s)
{
    if (hil_node_num_inputs(node) != HIL_LSTM_INPUTS || hil_node_num_outputs(node) != 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs 24 inputs (TFLM's layout) and one output");
    hil_tensor *in = hil_node_input(g, node, HIL_LSTM_INPUT), *out = hil_node_output(g, node, 0);
    hil_tensor *hidden = hil_node_input(g, node, HIL_LSTM_HIDDEN), *cell = hil_node_input(g, node, HIL_LSTM_CELL_STATE);
    if (!in || !out || !hidden || !cell)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, an output and hidden and cell states");
    for (unsigned i = 9; i < HIL_LSTM_INPUTS; i++)
        if ((i < 12 || (i >= 16 && i < 18) || i >= 20) && hil_node_input(g, node, i))
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED,
                              "peephole, projection and layer-norm LSTMs are not supported (as in TFLM)");
    for (unsigned i = 1; i <= 15; i++) {
        if (i >= 9 && i < 12)
            continue;
        hil_tensor *t = hil_node_input(g, node, i);
        if (!t || !t->is_const)
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "every gate needs constant weights and a bias (no CIFG)");
        if (t->type != (i >= 12 ? bias_type : weight_type) || (i < 12 && t->scales.len > 1))
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED,
                              "weights and biases of the kernel's types, weights quantized per tensor (as TFLM)");
    }
    if (in->type != act_type || out->type != act_type || hidden->type != act_type || cell->type != cell_type)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input, output and hidden state of the kernel's type, and its "
                                                        "cell state type");
    if (!hidden->is_variable || !cell->is_variable)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "hidden and cell states must be variable tensors");
    s->time_major = hil_fb_u8(&g->fb, &node->options, HIL_LSTM_OPT_TIME_MAJOR, 0) != 0;
    s->cell_clip = hil_fb_f32(&g->fb, &node->options, HIL_LSTM_OPT_CELL_CLIP, 0.0f);
    if (hil_fb_i8(&g->fb, &node->options, HIL_LSTM_OPT_ACTIVATION, 0) != HIL_ACT_TANH)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "the cell gate's activation must be TANH (TFLM asserts on others)");
    if (in->ndim != 3 || out->ndim != 3 || hidden->ndim != 2)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output must be 3-D, the hidden state 2-D");
    s->batch = (uint32_t)in->dims[s->time_major ? 1 : 0];
    s->time = (uint32_t)in->dims[s->time_major ? 0 : 1];
    s->input = (uint32_t)in->dims[2];
    s->state = (uint32_t)hidden->dims[1];
    uint64_t states = (uint64_t)s->batch * s->state;
    int ok = hil_num_elements(hidden) == states && hil_num_elements(cell) == states && out->dims[0] == in->dims[0] &&
             out->dims[1] == in->dims[1] && (uint32_t)out->dims[2] == s->state;
    for (unsigned i = 1; ok && i <= 15; i++) {
        const hil_tensor *t = hil_node_input(g, node, i);
        if (i >= 9 && i < 12)
            continue;
        if (i >= 12)
            ok = t->ndim == 1 && (uint32_t)t->dims[0] == s->state;
        else
            ok = t->ndim == 2 && (uint32_t)t->dims[0] == s->state && (uint32_t)t->dims[1] == (i <= 4 ? s->input : s->state);
    }
    return ok ? HIL_OK : hil_reject(g, node, HIL_ERR_MODEL_INVALID, "tensor shapes do not agree");
}

/* One time step's rows: where its input and output rows start, and its hidden/cell state row. */
typedef struct {
    uint32_t input, output, state;
} hil_lstm_offsets;

static inline uint32_t hil_lstm_steps(const hil_lstm_size *s) { return s->time_major ? s->time : s->batch * s->time; }

/* Step k in TFLM's order (see the file comment). */
static inline hil_lstm_offsets hil_lstm_step(const hil_lstm_size *s, uint32_t k)
{
    hil_lstm_offsets o;
    if (s->time_major) {
        o.input = k * s->batch * s->input;
        o.output = k * s->batch * s->state;
        o.state = 0;
    } else { /* row k = batch b, time t: the state row is the batch's */
        o.input = k * s->input;
        o.output = k * s->state;
        o.state = k / s->time * s->state;
    }
    return o;
}

#endif
