/* SOFTMAX over the last dimension, float32: TFLM's reference_ops::Softmax. Per row: the maximum,
 * exp((x - max) * beta) for each element (kept in the output) and their sum, then each exp is
 * divided by the sum. */
#include <math.h>

#include "common_f32.h"

enum { SOFTMAX_OPT_BETA = 0 };

typedef struct {
    float beta;
    uint32_t outer, depth;
} softmax_f32_params;

static int softmax_f32_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 1 || hil_node_num_outputs(node) != 1 || !in || !out || in->ndim < 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs one input of rank >= 1 and one output");
    if (!hil_f32_all(in, out))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "float32 kernel: input and output must be float32");
    if (hil_num_elements(in) != hil_num_elements(out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output sizes differ");
    softmax_f32_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->beta = hil_fb_f32(&g->fb, &node->options, SOFTMAX_OPT_BETA, 0.0f);
    p->depth = (uint32_t)in->dims[in->ndim - 1];
    p->outer = hil_num_elements(in) / p->depth;
    node->params = p;
    return HIL_OK;
}

static int softmax_f32_eval(hil_graph *g, hil_node *node)
{
    const softmax_f32_params *p = node->params;
    const float *in = (const float *)(const void *)hil_node_input(g, node, 0)->data;
    float *out = (float *)(void *)hil_node_output(g, node, 0)->data;
    for (uint32_t r = 0; r < p->outer; r++, in += p->depth, out += p->depth) {
        float max = -FLT_MAX;
        for (uint32_t c = 0; c < p->depth; c++)
            max = max < in[c] ? in[c] : max;
        float sum = 0.0f;
        for (uint32_t c = 0; c < p->depth; c++) {
            out[c] = expf((in[c] - max) * p->beta);
            sum += out[c];
        }
        for (uint32_t c = 0; c < p->depth; c++)
            out[c] = out[c] / sum;
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_softmax_f32 = {25, "SOFTMAX", softmax_f32_prepare, softmax_f32_eval};
