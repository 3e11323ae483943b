/* SUM, float32: TFLM's ReduceGeneric from 0 with `in + current`, accumulated in input
 * (row-major) order into the output (mean.h's shape). */
#include "common_f32.h"
#include "mean.h"

static int sum_f32_prepare(hil_graph *g, hil_node *node)
{
    hil_mean_params *p = 0;
    int status = hil_mean_prepare_shape(g, node, HIL_FLOAT32, &p);
    if (status == HIL_OK)
        node->params = p;
    return status;
}

static int sum_f32_eval(hil_graph *g, hil_node *node)
{
    const hil_mean_params *p = node->params;
    const float *input = (const float *)(const void *)hil_node_input(g, node, 0)->data;
    float *out = (float *)(void *)hil_node_output(g, node, 0)->data;
    int32_t idx[HIL_MAX_DIMS] = {0};
    uint32_t o = 0;
    for (uint32_t k = 0; k < p->out_elems; k++)
        out[k] = 0.0f;
    for (uint32_t i = 0; i < p->in_elems; i++) {
        out[o] = input[i] + out[o];
        hil_reduce_step(p, idx, &o);
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_sum_f32 = {74, "SUM", sum_f32_prepare, sum_f32_eval};
