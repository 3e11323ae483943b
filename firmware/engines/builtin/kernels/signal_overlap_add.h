/* SignalOverlapAdd (int16, float32): adds each input frame (frame_size samples) into a running
 * buffer and emits the buffer's first frame_step samples per frame, shifting it on (TFLM's signal
 * library: OverlapAdd; int16 saturates). Input [..., frames, frame_size], output
 * [..., frames * frame_step]. State: one frame_size buffer per outer index, zero after load and
 * after a reset. Header-only prepare shared by both types. */
#ifndef HIL_SIGNAL_OVERLAP_ADD_H
#define HIL_SIGNAL_OVERLAP_ADD_H
#include <string.h>

#include "signal.h"

typedef struct {
    uint32_t frame_size, frame_step, frames, outer, elem;
    uint8_t *buffers; /* outer buffers of frame_size elements */
} hil_overlap_add_params;

static inline int hil_overlap_add_prepare(hil_graph *g, hil_node *node, int type)
{
    static const char *const keys[] = {"T", "frame_step"};
    int32_t opt[2];
    int status = hil_signal_begin(g, node, 1, 1, keys, 2, opt);
    hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    if (status || (status = hil_signal_tensor(g, node, in, type, -1, "input")))
        return status;
    if (opt[0] != type)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "option T differs from the tensors' type");
    if (in->ndim < 2 || (status = hil_signal_tensor(g, node, out, type, in->ndim - 1, "output")))
        return status ? status : hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input needs [frames, frame_size]");
    hil_overlap_add_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->frame_size = (uint32_t)in->dims[in->ndim - 1];
    p->frames = (uint32_t)in->dims[in->ndim - 2];
    p->frame_step = (uint32_t)opt[1];
    p->outer = hil_num_elements(in) / (p->frame_size * p->frames);
    p->elem = (uint32_t)hil_dtype_size((uint32_t)type);
    if (opt[1] < 1 || p->frame_step > p->frame_size ||
        (uint64_t)p->outer * p->frames * p->frame_step > hil_num_elements(out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "frame_step must be 1 to frame_size and the output hold every step");
    p->buffers = hil_persistent_alloc(g, (size_t)p->outer * p->frame_size * p->elem); /* zeroed */
    if (!p->buffers)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    node->params = p;
    return HIL_OK;
}

/* Emits a buffer's first frame_step samples and shifts the rest down, zero-filling the tail. */
static inline void hil_overlap_add_emit(const hil_overlap_add_params *p, uint8_t *buffer, uint8_t *out)
{
    size_t step = (size_t)p->frame_step * p->elem, size = (size_t)p->frame_size * p->elem;
    memcpy(out, buffer, step);
    memmove(buffer, buffer + step, size - step);
    memset(buffer + size - step, 0, step);
}

static inline void hil_overlap_add_reset(hil_graph *g, hil_node *node)
{
    const hil_overlap_add_params *p = node->params;
    memset(p->buffers, 0, (size_t)p->outer * p->frame_size * p->elem);
}

#endif
