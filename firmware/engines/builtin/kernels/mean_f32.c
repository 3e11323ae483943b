/* MEAN, float32, over a constant list of axes (negative and repeated axes resolved as TFLite
 * does), keep_dims either way: TFLM's reference Mean / ReduceGeneric for float. Each output is
 * the sum of its inputs, accumulated in input (row-major) order, divided by their count. */
#include "common_f32.h"
#include "mean.h"

static int mean_f32_prepare(hil_graph *g, hil_node *node)
{
    hil_mean_params *p = 0;
    int status = hil_mean_prepare_shape(g, node, HIL_FLOAT32, &p);
    if (status == HIL_OK)
        node->params = p;
    return status;
}

static int mean_f32_eval(hil_graph *g, hil_node *node)
{
    const hil_mean_params *p = node->params;
    const float count = (float)p->count;
    const float *input = (const float *)(const void *)hil_node_input(g, node, 0)->data;
    float *out = (float *)(void *)hil_node_output(g, node, 0)->data;
    int32_t idx[HIL_MAX_DIMS] = {0};
    uint32_t o = 0;
    for (uint32_t k = 0; k < p->out_elems; k++)
        out[k] = 0.0f; /* the sums accumulate in the output itself */
    for (uint32_t i = 0; i < p->in_elems; i++) {
        out[o] += input[i];
        hil_reduce_step(p, idx, &o);
    }
    for (uint32_t k = 0; k < p->out_elems; k++)
        out[k] = out[k] / count;
    return HIL_OK;
}

const hil_kernel hil_kernel_mean_f32 = {40, "MEAN", mean_f32_prepare, mean_f32_eval};
