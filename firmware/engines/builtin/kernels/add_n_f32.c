/* ADD_N, float32: TFLM's reference_ops::AddN, each output the sum of the inputs in order,
 * starting from 0 (the output holds the running sums). */
#include "add_n.h"

static int add_n_f32_prepare(hil_graph *g, hil_node *node)
{
    return hil_add_n_check(g, node, HIL_FLOAT32, "float32 kernel: inputs and output must be float32");
}

static int add_n_f32_eval(hil_graph *g, hil_node *node)
{
    const hil_tensor *out_t = hil_node_output(g, node, 0);
    float *out = (float *)(void *)out_t->data;
    const uint32_t size = hil_num_elements(out_t);
    for (uint32_t i = 0; i < size; i++)
        out[i] = 0.0f;
    for (unsigned j = 0; j < hil_node_num_inputs(node); j++) { /* the output is no input: sum in place */
        const float *in = (const float *)hil_add_n_input(g, node, j);
        for (uint32_t i = 0; i < size; i++)
            out[i] += in[i];
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_add_n_f32 = {106, "ADD_N", add_n_f32_prepare, add_n_f32_eval};
