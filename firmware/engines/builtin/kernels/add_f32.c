/* ADD, float32, with NumPy-style broadcasting and a fused activation: TFLM's reference_ops::Add
 * (and BroadcastAdd), out = clamp(a + b). */
#include "common_f32.h"

enum { ADD_OPT_ACTIVATION = 0 };

typedef struct {
    float act_min, act_max;
    hil_broadcast bc;
} add_f32_params;

static int add_f32_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in1 = hil_node_input(g, node, 0);
    hil_tensor *in2 = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 2 || !in1 || !in2 || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs two inputs and an output");
    if (!hil_f32_all(in1, in2) || out->type != HIL_FLOAT32)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "float32 kernel: inputs and output must be float32");
    add_f32_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    if (hil_broadcast_prepare(in1, in2, out, &p->bc) != 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input shapes do not broadcast to the output shape");
    if (!hil_f32_activation_range(hil_fb_i8(&g->fb, &node->options, ADD_OPT_ACTIVATION, 0), &p->act_min, &p->act_max))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "fused activation must be NONE, RELU, RELU6 or RELU_N1_TO_1");
    node->params = p;
    return HIL_OK;
}

static void add_f32_row(const void *params, const float *in1, int32_t step1, const float *in2, int32_t step2,
                        float *out, int32_t n)
{
    const add_f32_params *p = params;
    for (int32_t i = 0; i < n; i++, in1 += step1, in2 += step2)
        out[i] = hil_f32_clamp(*in1 + *in2, p->act_min, p->act_max);
}

static int add_f32_eval(hil_graph *g, hil_node *node)
{
    const add_f32_params *p = node->params;
    hil_f32_broadcast_run(&p->bc, (const float *)(const void *)hil_node_input(g, node, 0)->data,
                          (const float *)(const void *)hil_node_input(g, node, 1)->data,
                          (float *)(void *)hil_node_output(g, node, 0)->data, add_f32_row, p);
    return HIL_OK;
}

const hil_kernel hil_kernel_add_f32 = {0, "ADD", add_f32_prepare, add_f32_eval};
