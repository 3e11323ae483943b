/* BATCH_MATMUL, float32: TFLM's reference_ops::BatchMatMul for float (batch_matmul.h): each
 * output element summed over k in ascending order from 0. */
#include "batch_matmul.h"

static int bmm_f32_prepare(hil_graph *g, hil_node *node) { return hil_bmm_prepare_type(g, node, HIL_FLOAT32); }

static int bmm_f32_eval(hil_graph *g, hil_node *node)
{
    const hil_bmm_params *p = node->params;
    const float *xs = (const float *)(const void *)hil_node_input(g, node, 0)->data;
    const float *ys = (const float *)(const void *)hil_node_input(g, node, 1)->data;
    float *out = (float *)(void *)hil_node_output(g, node, 0)->data;
    for (int32_t b0 = 0; b0 < p->out_batch[0]; b0++)
        for (int32_t b1 = 0; b1 < p->out_batch[1]; b1++)
            for (int32_t b2 = 0; b2 < p->out_batch[2]; b2++) {
                const float *x = xs + b0 * p->x_batch[0] + b1 * p->x_batch[1] + b2 * p->x_batch[2];
                const float *y = ys + b0 * p->y_batch[0] + b1 * p->y_batch[1] + b2 * p->y_batch[2];
                for (int32_t m = 0; m < p->m; m++)
                    for (int32_t n = 0; n < p->n; n++) {
                        float total = 0.0f;
                        for (int32_t k = 0; k < p->k; k++)
                            total += y[k * p->y_row + n * p->y_col] * x[m * p->x_row + k * p->x_col];
                        *out++ = total;
                    }
            }
    return HIL_OK;
}

const hil_kernel hil_kernel_batch_matmul_f32 = {126, "BATCH_MATMUL", bmm_f32_prepare, bmm_f32_eval};
