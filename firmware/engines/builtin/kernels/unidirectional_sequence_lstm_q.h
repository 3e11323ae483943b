/* UNIDIRECTIONAL_SEQUENCE_LSTM, the integer kernels' shared arithmetic (int8 8x8 -> 16-bit cell,
 * and int16 16x8): TFLM's PrepareGateParametersInteger and the int16 cell of its LstmStep.
 *  - Each gate's input and recurrent fully-connected products land in Q3.12 int16 (scale 2^-12),
 *    with multipliers (input scale x weights scale, rounded to float) / 2^-12; they are added with
 *    saturation and go through TFLM's int16 sigmoid (or, for the cell gate, tanh) to Q0.15.
 *  - The cell update and the hidden state use int16 x int16 products requantized by one
 *    multiplier each; the hidden state takes its own scale and zero point (int8 or int16).
 *  - tanh of the cell state rescales it by its power-of-two scale (TFLM's CheckedLog2).
 * Header-only (static inline). */
#ifndef HIL_UNIDIRECTIONAL_SEQUENCE_LSTM_Q_H
#define HIL_UNIDIRECTIONAL_SEQUENCE_LSTM_Q_H
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quant.h"
#include "sigmoid_i16.h"
#include "unidirectional_sequence_lstm.h"

typedef struct {
    int32_t in_mult[HIL_GATES], rec_mult[HIL_GATES];
    int8_t in_shift[HIL_GATES], rec_shift[HIL_GATES];
    int32_t w_offset[HIL_GATES], r_offset[HIL_GATES]; /* minus the weights' zero points */
    int32_t input_offset, hidden_offset;                /* minus the input's and hidden state's */
    int32_t forget_mult, update_mult, hidden_mult;      /* f * c -> c, i * g -> c, tanh(c) * o -> h */
    int8_t forget_shift, update_shift, hidden_shift;
    int32_t hidden_zp, hidden_min, hidden_max;
    hil_sigmoid_i16_params cell_tanh;                   /* tanh(c): c's scale to Q3.12 */
    int16_t cell_clip;                                  /* > 0: c clipped to +-cell_clip */
} hil_lstm_q;

#define HIL_LSTM_GATE_SCALE 0.000244140625f /* 2^-12: the fully-connected outputs, Q3.12 */
#define HIL_LSTM_UNIT_SCALE 0.000030517578125f /* 2^-15: the gates' outputs, Q0.15 */

/* TFLM's FC multiplier: the float product of input and weights scales over the gate scale. */
static inline void hil_lstm_fc_multiplier(const hil_tensor *in, const hil_tensor *w, int32_t *mult, int8_t *shift)
{
    int s;
    hil_quantize_multiplier((double)(in->scale * w->scale) / (double)HIL_LSTM_GATE_SCALE, mult, &s);
    *shift = (int8_t)s;
}

/* TFLM's CreateInterGateMulParams: double product of the input scales over the output scale. */
static inline void hil_lstm_mul_multiplier(float a, float b, float out, int32_t *mult, int8_t *shift)
{
    int s;
    hil_quantize_multiplier((double)a * (double)b / (double)out, mult, &s);
    *shift = (int8_t)s;
}

/* Fills the integer parameters from the node's tensors (already checked by hil_lstm_check). */
static inline void hil_lstm_q_prepare(hil_graph *g, hil_node *node, const hil_lstm_size *s, hil_lstm_q *q)
{
    const hil_tensor *in = hil_node_input(g, node, HIL_LSTM_INPUT), *hidden = hil_node_input(g, node, HIL_LSTM_HIDDEN);
    const hil_tensor *cell = hil_node_input(g, node, HIL_LSTM_CELL_STATE);
    for (unsigned k = 0; k < HIL_GATES; k++) {
        const hil_tensor *w = hil_node_input(g, node, hil_lstm_gate_inputs[k][0]);
        const hil_tensor *r = hil_node_input(g, node, hil_lstm_gate_inputs[k][1]);
        hil_lstm_fc_multiplier(in, w, &q->in_mult[k], &q->in_shift[k]);
        hil_lstm_fc_multiplier(hidden, r, &q->rec_mult[k], &q->rec_shift[k]);
        q->w_offset[k] = -w->zero_point;
        q->r_offset[k] = -r->zero_point;
    }
    q->input_offset = -in->zero_point;
    q->hidden_offset = -hidden->zero_point;
    hil_lstm_mul_multiplier(HIL_LSTM_UNIT_SCALE, cell->scale, cell->scale, &q->forget_mult, &q->forget_shift);
    hil_lstm_mul_multiplier(HIL_LSTM_UNIT_SCALE, HIL_LSTM_UNIT_SCALE, cell->scale, &q->update_mult, &q->update_shift);
    hil_lstm_mul_multiplier(HIL_LSTM_UNIT_SCALE, HIL_LSTM_UNIT_SCALE, hidden->scale, &q->hidden_mult, &q->hidden_shift);
    q->hidden_zp = hidden->zero_point;
    q->hidden_min = hidden->type == HIL_INT16 ? INT16_MIN : INT8_MIN;
    q->hidden_max = hidden->type == HIL_INT16 ? INT16_MAX : INT8_MAX;
    /* tanh(c): TFLM shifts c (scale 2^power) left by 15 + power - 3 into Q3.12, or, when that is
     * negative, multiplies by 3 and shifts right with rounding. */
    int power;
    hil_checked_log2(cell->scale, &power);
    int left = 15 + power - 3;
    hil_sigmoid_i16_set_shift(&q->cell_tanh, left < 0 ? 3 : 0, left < 0 ? -left : left);
    double clip = (double)s->cell_clip / (double)cell->scale;
    q->cell_clip = (int16_t)(clip < -32768.0 ? -32768.0 : (clip > 32767.0 ? 32767.0 : clip));
}

static inline int16_t hil_sat16(int32_t v) { return (int16_t)hil_clamp(v, INT16_MIN, INT16_MAX); }

/* An int16 x int16 product requantized (TFLM's MulElementwise, zero-point-free inputs). */
static inline int32_t hil_lstm_mul(int32_t a, int32_t b, int32_t mult, int shift)
{
    return hil_multiply_by_quantized_multiplier(a * b, mult, shift);
}

/* The gate's activation over its Q3.12 pre-activations, to Q0.15: sigmoid, or tanh (cell gate). */
static inline void hil_lstm_activate(int16_t *gate, uint32_t n, int tanh)
{
    hil_sigmoid_i16_params unit;
    hil_sigmoid_i16_set_shift(&unit, 0, 0); /* Q3.12 as it is: TFLM's multiplier 3, no shift */
    for (uint32_t i = 0; i < n; i++)
        gate[i] = tanh ? hil_tanh_i16(&unit, gate[i]) : hil_logistic_i16(&unit, gate[i]);
}

/* c = sat(f * c + i * g), clipped; f, i, g in Q0.15, c in the cell state's scale. */
static inline void hil_lstm_update_cell(const hil_lstm_q *q, int16_t *cell, const int16_t *f, const int16_t *i,
                                        const int16_t *gc, uint32_t n)
{
    for (uint32_t e = 0; e < n; e++) {
        int16_t kept = hil_sat16(hil_lstm_mul(f[e], cell[e], q->forget_mult, q->forget_shift));
        int16_t added = hil_sat16(hil_lstm_mul(i[e], gc[e], q->update_mult, q->update_shift));
        int16_t c = hil_sat16((int32_t)kept + added);
        if (q->cell_clip > 0)
            c = (int16_t)hil_clamp(c, -q->cell_clip, q->cell_clip);
        cell[e] = c;
    }
}

/* h = tanh(c) * o in the hidden state's type (int8 or int16, `hidden16`); returned in `h`. */
static inline void hil_lstm_update_hidden(const hil_lstm_q *q, const int16_t *cell, const int16_t *o, void *h,
                                          int hidden16, uint32_t n)
{
    for (uint32_t e = 0; e < n; e++) {
        int32_t v = hil_lstm_mul(hil_tanh_i16(&q->cell_tanh, cell[e]), o[e], q->hidden_mult, q->hidden_shift);
        v = hil_clamp(v + q->hidden_zp, q->hidden_min, q->hidden_max);
        if (hidden16)
            ((int16_t *)h)[e] = (int16_t)v;
        else
            ((int8_t *)h)[e] = (int8_t)v;
    }
}

/* The parameters of both integer kernels. */
typedef struct {
    hil_lstm_size size;
    hil_lstm_q q;
} hil_lstm_q_params;

/* Prepare of both integer kernels up to their own checks: the tensors (`act_type` activations,
 * int8 weights, `bias_type` biases, int16 cell state) and the arithmetic's parameters. Returns
 * them, or NULL with *status set to the refusal. */
static inline hil_lstm_q_params *hil_lstm_q_new(hil_graph *g, hil_node *node, int act_type, int bias_type,
                                                int *status)
{
    hil_lstm_q_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p) {
        *status = hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
        return NULL;
    }
    *status = hil_lstm_check(g, node, act_type, HIL_INT8, bias_type, HIL_INT16, &p->size);
    if (*status != HIL_OK)
        return NULL;
    hil_lstm_q_prepare(g, node, &p->size, &p->q);
    return p;
}

/* Four Q0.15 buffers of one step's rows: the forget, input, cell and output gates. */
static inline int hil_lstm_q_scratch(hil_graph *g, hil_node *node, const hil_lstm_q_params *p)
{
    return hil_request_scratch(g, node, 4u * hil_lstm_rows(&p->size) * p->size.state * sizeof(int16_t));
}

/* One gate's fully-connected product, the kernel's own arithmetic: `rows` rows of `depth`
 * activations `x` (int8 or int16) times `units` weight rows plus the bias (NULL: none), to
 * Q3.12 in `out`. */
typedef void (*hil_lstm_fc_fn)(const void *x, int32_t x_offset, const int8_t *w, int32_t w_offset, const void *bias,
                               int32_t mult, int shift, uint32_t rows, uint32_t depth, uint32_t units, int16_t *out);

/* One gate of one step: input and recurrent products added with saturation, then activated. */
static inline void hil_lstm_q_gate(hil_graph *g, hil_node *node, const hil_lstm_q_params *p, hil_lstm_fc_fn fc,
                                   unsigned k, const void *x, const void *h, int16_t *out, int16_t *recurrent)
{
    const hil_lstm_size *s = &p->size;
    const hil_lstm_q *q = &p->q;
    const uint32_t rows = hil_lstm_rows(s), n = rows * s->state;
    const int8_t *w = (const int8_t *)hil_node_input(g, node, hil_lstm_gate_inputs[k][0])->data;
    const int8_t *r = (const int8_t *)hil_node_input(g, node, hil_lstm_gate_inputs[k][1])->data;
    const void *bias = hil_node_input(g, node, hil_lstm_gate_inputs[k][2])->data;
    fc(x, q->input_offset, w, q->w_offset[k], bias, q->in_mult[k], q->in_shift[k], rows, s->input, s->state, out);
    fc(h, q->hidden_offset, r, q->r_offset[k], 0, q->rec_mult[k], q->rec_shift[k], rows, s->state, s->state,
       recurrent);
    for (uint32_t e = 0; e < n; e++)
        out[e] = hil_sat16((int32_t)out[e] + recurrent[e]);
    hil_lstm_activate(out, n, k == HIL_GATE_CELL);
}

/* Eval of both integer kernels: activations and hidden state of `elem` bytes (1: int8, 2: int16). */
static inline int hil_lstm_q_eval(hil_graph *g, hil_node *node, hil_lstm_fc_fn fc, uint32_t elem)
{
    const hil_lstm_q_params *p = node->params;
    const hil_lstm_size *s = &p->size;
    const uint8_t *input = hil_node_input(g, node, HIL_LSTM_INPUT)->data;
    uint8_t *hidden = hil_node_input(g, node, HIL_LSTM_HIDDEN)->data;
    int16_t *cell = (int16_t *)(void *)hil_node_input(g, node, HIL_LSTM_CELL_STATE)->data;
    uint8_t *output = hil_node_output(g, node, 0)->data;
    const uint32_t n = hil_lstm_rows(s) * s->state;
    int16_t *buf = hil_scratch(g, node), *f = buf, *i = buf + n, *gc = buf + 2 * n, *o = buf + 3 * n;
    for (uint32_t k = 0; k < hil_lstm_steps(s); k++) {
        hil_lstm_offsets at = hil_lstm_step(s, k);
        const uint8_t *x = input + at.input * elem;
        uint8_t *h = hidden + at.state * elem;
        hil_lstm_q_gate(g, node, p, fc, HIL_GATE_FORGET, x, h, f, o);
        hil_lstm_q_gate(g, node, p, fc, HIL_GATE_INPUT, x, h, i, o);
        hil_lstm_q_gate(g, node, p, fc, HIL_GATE_CELL, x, h, gc, o);
        hil_lstm_update_cell(&p->q, cell + at.state, f, i, gc, n);
        hil_lstm_q_gate(g, node, p, fc, HIL_GATE_OUTPUT, x, h, o, f);
        hil_lstm_update_hidden(&p->q, cell + at.state, o, h, elem == 2, n);
        memcpy(output + at.output * elem, h, n * elem);
    }
    return HIL_OK;
}

#endif
