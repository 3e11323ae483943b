/* SVDF, int8 input and weights_feature with an int16 or int8 state and weights_time (int32
 * bias): the arithmetic of TFLM's EvalIntegerSvdfReference<int16_t / int8_t>. Per step:
 *   1. the state (every filter's history) moves one step back;
 *   2. each filter's feature dot product, requantized to the state's scale and clamped to the
 *      state type, is stored (plus the state zero point, wrapping as TFLM's cast does) as its
 *      newest history entry;
 *   3. each filter's history dotted with its time weights (state zero point removed), summed
 *      over the rank with the bias, requantized to the int8 output. TFLM applies no fused
 *      activation on this path. */
#include <string.h>

#include "quant.h"
#include "svdf.h"

typedef struct {
    hil_svdf_size size;
    int32_t multiplier1, multiplier2;
    int shift1, shift2;
    int32_t input_zp, state_zp, output_zp;
    uint8_t state16; /* int16 state and time weights (else int8) */
} svdf_params;

static int svdf_prepare(hil_graph *g, hil_node *node)
{
    svdf_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    int status = hil_svdf_check(g, node, &p->size);
    if (status != HIL_OK)
        return status;
    hil_tensor *in = hil_node_input(g, node, 0), *wf = hil_node_input(g, node, 1);
    hil_tensor *wt = hil_node_input(g, node, 2), *bias = hil_node_input(g, node, 3);
    hil_tensor *state = hil_node_input(g, node, 4), *out = hil_node_output(g, node, 0);
    p->state16 = state->type == HIL_INT16;
    if (wf->type != HIL_INT8 || out->type != HIL_INT8 || (bias && bias->type != HIL_INT32) ||
        !(state->type == HIL_INT16 || state->type == HIL_INT8) || wt->type != state->type)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED,
                          "int8 kernel: int8 input, feature weights and output, int16 or int8 time weights and state "
                          "(the same type), int32 bias");
    /* TFLM: the float products rounded to float, then divided in double. */
    hil_quantize_multiplier((double)(in->scale * wf->scale / state->scale), &p->multiplier1, &p->shift1);
    hil_quantize_multiplier((double)(state->scale * wt->scale / out->scale), &p->multiplier2, &p->shift2);
    p->input_zp = in->zero_point;
    p->state_zp = state->zero_point;
    p->output_zp = out->zero_point;
    node->params = p;
    return HIL_OK;
}

static int32_t state_at(const void *state, int state16, uint32_t i)
{
    return state16 ? ((const int16_t *)state)[i] : ((const int8_t *)state)[i];
}

/* Steps 1 and 2: the history moves back one entry, each filter's newest entry is its feature. */
static void push_features(const svdf_params *p, const int8_t *input, const int8_t *wf, void *state)
{
    const hil_svdf_size *s = &p->size;
    const int width = p->state16 ? 2 : 1;
    const uint32_t n = s->batch * s->filters * s->memory;
    memmove(state, (uint8_t *)state + width, (size_t)(n - 1) * (size_t)width);
    const int32_t lo = p->state16 ? INT16_MIN : INT8_MIN, hi = p->state16 ? INT16_MAX : INT8_MAX;
    for (uint32_t b = 0; b < s->batch; b++) {
        const int8_t *in = input + b * s->input_size;
        for (uint32_t f = 0; f < s->filters; f++) {
            const int8_t *w = wf + f * s->input_size;
            uint32_t sum = 0; /* int32 sums wrap in TFLM (as on its targets): computed unsigned here */
            for (uint32_t c = 0; c < s->input_size; c++)
                sum += (uint32_t)(w[c] * (in[c] - p->input_zp));
            int32_t dot = hil_clamp(hil_multiply_by_quantized_multiplier((int32_t)sum, p->multiplier1, p->shift1), lo, hi);
            uint32_t at = (b * s->filters + f) * s->memory + s->memory - 1;
            int32_t v = (int32_t)((uint32_t)p->state_zp + (uint32_t)dot); /* TFLM adds, then casts (wraps) */
            if (p->state16)
                ((int16_t *)state)[at] = (int16_t)v;
            else
                ((int8_t *)state)[at] = (int8_t)v;
        }
    }
}

/* One filter's history dotted with its time weights. */
static uint32_t time_dot(const svdf_params *p, const void *wt, const void *state, uint32_t f, uint32_t hist)
{
    uint32_t sum = 0;
    for (uint32_t j = 0; j < p->size.memory; j++)
        sum += (uint32_t)(state_at(wt, p->state16, f * p->size.memory + j) *
                          (state_at(state, p->state16, hist + j) - p->state_zp));
    return sum;
}

static int svdf_eval(hil_graph *g, hil_node *node)
{
    const svdf_params *p = node->params;
    const hil_svdf_size *s = &p->size;
    const hil_tensor *bias_t = hil_node_input(g, node, 3);
    const int32_t *bias = bias_t ? (const int32_t *)(const void *)bias_t->data : 0;
    const void *wt = hil_node_input(g, node, 2)->data;
    void *state = hil_node_input(g, node, 4)->data;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    push_features(p, (const int8_t *)hil_node_input(g, node, 0)->data, (const int8_t *)hil_node_input(g, node, 1)->data,
                  state);
    for (uint32_t b = 0; b < s->batch; b++) {
        for (uint32_t u = 0; u < s->units; u++) {
            uint32_t sum = bias ? (uint32_t)bias[u] : 0;
            for (uint32_t r = 0; r < s->rank; r++) {
                uint32_t f = u * s->rank + r;
                sum += time_dot(p, wt, state, f, (b * s->filters + f) * s->memory);
            }
            int32_t acc = hil_multiply_by_quantized_multiplier((int32_t)sum, p->multiplier2, p->shift2) + p->output_zp;
            out[b * s->units + u] = (int8_t)hil_clamp(acc, INT8_MIN, INT8_MAX);
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_svdf = {27, "SVDF", svdf_prepare, svdf_eval};
