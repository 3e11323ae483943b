/* FULLY_CONNECTED, float32: TFLM's reference_ops::FullyConnected. Each output is the dot product
 * of an input row with a weights row, accumulated in order, then the bias is added and the
 * fused activation clamps it. */
#include "common_f32.h"
#include "fully_connected.h"

typedef struct {
    uint32_t batches, depth, units;
    float act_min, act_max;
} fc_f32_params;

static int fc_f32_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *input = hil_node_input(g, node, 0);
    hil_tensor *filter = hil_node_input(g, node, 1);
    hil_tensor *bias = hil_node_input(g, node, 2);
    hil_tensor *output = hil_node_output(g, node, 0);
    int status = hil_fc_check(g, node, HIL_FLOAT32, input, filter, bias, output);
    if (status != HIL_OK)
        return status;
    fc_f32_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    if (!hil_f32_activation_range(hil_fb_i8(&g->fb, &node->options, HIL_FC_OPT_ACTIVATION, 0), &p->act_min, &p->act_max))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "fused activation must be NONE, RELU, RELU6 or RELU_N1_TO_1");
    if (hil_fc_shape(input, filter, bias, output, &p->batches, &p->depth, &p->units) != 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "tensor shapes do not agree");
    node->params = p;
    return HIL_OK;
}

static int fc_f32_eval(hil_graph *g, hil_node *node)
{
    const fc_f32_params *p = node->params;
    const float *input = (const float *)(const void *)hil_node_input(g, node, 0)->data;
    const float *filter = (const float *)(const void *)hil_node_input(g, node, 1)->data;
    const hil_tensor *bias_t = hil_node_input(g, node, 2);
    const float *bias = bias_t ? (const float *)(const void *)bias_t->data : 0;
    float *output = (float *)(void *)hil_node_output(g, node, 0)->data;
    for (uint32_t b = 0; b < p->batches; b++) {
        const float *in = input + b * p->depth;
        for (uint32_t u = 0; u < p->units; u++) {
            const float *w = filter + u * p->depth;
            float total = 0.0f;
            for (uint32_t d = 0; d < p->depth; d++)
                total += in[d] * w[d];
            float bias_value = bias ? bias[u] : 0.0f;
            output[b * p->units + u] = hil_f32_clamp(total + bias_value, p->act_min, p->act_max);
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_fully_connected_f32 = {9, "FULLY_CONNECTED", fc_f32_prepare, fc_f32_eval};
