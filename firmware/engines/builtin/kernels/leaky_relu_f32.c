/* LEAKY_RELU, float32: TFLM's reference_ops::LeakyRelu, x > 0 ? x : x * alpha. */
#include "unary_f32.h"

enum { LEAKY_RELU_OPT_ALPHA = 0 };

typedef struct {
    float alpha;
    uint32_t size;
} leaky_relu_f32_params;

static int leaky_relu_f32_prepare(hil_graph *g, hil_node *node)
{
    int status = hil_unary_f32_prepare(g, node);
    if (status != HIL_OK)
        return status;
    leaky_relu_f32_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->alpha = hil_fb_f32(&g->fb, &node->options, LEAKY_RELU_OPT_ALPHA, 0.0f);
    p->size = hil_num_elements(hil_node_input(g, node, 0));
    node->params = p;
    return HIL_OK;
}

static int leaky_relu_f32_eval(hil_graph *g, hil_node *node)
{
    const leaky_relu_f32_params *p = node->params;
    const float *in = (const float *)(const void *)hil_node_input(g, node, 0)->data;
    float *out = (float *)(void *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++)
        out[i] = in[i] > 0 ? in[i] : in[i] * p->alpha;
    return HIL_OK;
}

const hil_kernel hil_kernel_leaky_relu_f32 = {98, "LEAKY_RELU", leaky_relu_f32_prepare, leaky_relu_f32_eval};
