/* CUMSUM, float32: TFLM's reference, a running float sum from 0 along the axis (in reverse
 * order with reverse; the sum before each element with exclusive). */
#include "common_f32.h"
#include "cumsum.h"

static int cumsum_f32_prepare(hil_graph *g, hil_node *node)
{
    hil_cumsum_params *p = 0;
    return hil_cumsum_prepare_shape(g, node, HIL_FLOAT32, &p);
}

static int cumsum_f32_eval(hil_graph *g, hil_node *node)
{
    const hil_cumsum_params *p = node->params;
    const float *in = (const float *)(const void *)hil_node_input(g, node, 0)->data;
    float *out = (float *)(void *)hil_node_output(g, node, 0)->data;
    for (uint32_t o = 0; o < p->outer; o++) {
        for (uint32_t i = 0; i < p->inner; i++) {
            float acc = 0.0f;
            for (uint32_t k = 0; k < p->depth; k++) {
                const uint32_t at = hil_cumsum_index(p, o, i, k);
                const float before = acc;
                acc = acc + in[at];
                out[at] = p->exclusive ? before : acc;
            }
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_cumsum_f32 = {128, "CUMSUM", cumsum_f32_prepare, cumsum_f32_eval};
