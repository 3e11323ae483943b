/* SVDF, float32: TFLM's EvalFloatSvdfReference. The state moves back one step, each filter's
 * feature dot product becomes its newest history entry, each filter's history is dotted with
 * its time weights, summed over the rank onto the bias, and the fused activation applied. */
#include <string.h>

#include "common_f32.h"
#include "svdf.h"

typedef struct {
    hil_svdf_size size;
    float act_min, act_max;
} svdf_f32_params;

static int svdf_f32_prepare(hil_graph *g, hil_node *node)
{
    svdf_f32_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    int status = hil_svdf_check(g, node, &p->size);
    if (status != HIL_OK)
        return status;
    for (unsigned i = 0; i <= 5; i++) { /* inputs 0-4 (the bias may be absent), then the output */
        const hil_tensor *t = i == 5 ? hil_node_output(g, node, 0) : hil_node_input(g, node, i);
        if (t && t->type != HIL_FLOAT32)
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "float32 kernel: every tensor must be float32");
    }
    if (!hil_f32_activation_range(hil_fb_i8(&g->fb, &node->options, HIL_SVDF_OPT_ACTIVATION, 0), &p->act_min, &p->act_max))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "fused activation must be NONE, RELU, RELU6 or RELU_N1_TO_1");
    node->params = p;
    return HIL_OK;
}

static int svdf_f32_eval(hil_graph *g, hil_node *node)
{
    const svdf_f32_params *p = node->params;
    const hil_svdf_size *s = &p->size;
    const float *input = (const float *)(const void *)hil_node_input(g, node, 0)->data;
    const float *wf = (const float *)(const void *)hil_node_input(g, node, 1)->data;
    const float *wt = (const float *)(const void *)hil_node_input(g, node, 2)->data;
    const hil_tensor *bias_t = hil_node_input(g, node, 3);
    const float *bias = bias_t ? (const float *)(const void *)bias_t->data : 0;
    float *state = (float *)(void *)hil_node_input(g, node, 4)->data;
    float *out = (float *)(void *)hil_node_output(g, node, 0)->data;
    memmove(state, state + 1, sizeof(float) * (s->batch * s->filters * s->memory - 1));
    for (uint32_t b = 0; b < s->batch; b++) {
        for (uint32_t f = 0; f < s->filters; f++) {
            const float *w = wf + f * s->input_size, *in = input + b * s->input_size;
            float dot = 0.0f;
            for (uint32_t c = 0; c < s->input_size; c++)
                dot += w[c] * in[c];
            state[(b * s->filters + f) * s->memory + s->memory - 1] = dot;
        }
    }
    for (uint32_t b = 0; b < s->batch; b++) {
        for (uint32_t u = 0; u < s->units; u++) {
            float acc = bias ? bias[u] : 0.0f;
            for (uint32_t r = 0; r < s->rank; r++) {
                uint32_t f = u * s->rank + r;
                const float *hist = state + (b * s->filters + f) * s->memory, *w = wt + f * s->memory;
                float sum = 0.0f;
                for (uint32_t j = 0; j < s->memory; j++)
                    sum += w[j] * hist[j];
                acc += sum;
            }
            out[b * s->units + u] = hil_f32_clamp(acc, p->act_min, p->act_max);
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_svdf_f32 = {27, "SVDF", svdf_f32_prepare, svdf_f32_eval};
