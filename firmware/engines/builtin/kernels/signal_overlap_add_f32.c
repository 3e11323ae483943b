/* SignalOverlapAdd, float32 (signal_overlap_add.h). */
#include "signal_overlap_add.h"

static int overlap_add_f32_prepare(hil_graph *g, hil_node *node)
{
    return hil_overlap_add_prepare(g, node, HIL_FLOAT32);
}

static int overlap_add_f32_eval(hil_graph *g, hil_node *node)
{
    const hil_overlap_add_params *p = node->params;
    const float *in = (const float *)(const void *)hil_node_input(g, node, 0)->data;
    float *out = (float *)(void *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->outer; i++) {
        float *buffer = (float *)(void *)p->buffers + (size_t)i * p->frame_size;
        for (uint32_t f = 0; f < p->frames; f++) {
            const float *frame = in + ((size_t)i * p->frames + f) * p->frame_size;
            for (uint32_t k = 0; k < p->frame_size; k++)
                buffer[k] += frame[k];
            hil_overlap_add_emit(p, (uint8_t *)buffer, (uint8_t *)(out + ((size_t)i * p->frames + f) * p->frame_step));
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_signal_overlap_add_f32 = {1013, "SignalOverlapAdd", overlap_add_f32_prepare,
                                                      overlap_add_f32_eval, hil_overlap_add_reset};
