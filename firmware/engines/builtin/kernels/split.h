/* SPLIT, SPLIT_V and UNPACK cut one input into several outputs along an axis, any element size
 * (TFLM: float32, int8, int16, int32), as TFLM's references: for each outer index (the
 * dimensions before the axis), each output in turn takes its next slab, `slab_bytes[i]`
 * contiguous bytes. The outputs' static shapes define the cut, as in TFLM (SPLIT_V's size_splits
 * tensor is not read); the prepare checks that they tile the input. Header-only. */
#ifndef HIL_SPLIT_H
#define HIL_SPLIT_H
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"

typedef struct {
    uint32_t outputs, outer;
    uint32_t slab_bytes[]; /* one per output */
} hil_split_params;

/* Output i has the input's shape with `axis` cut to its own size (keep_axis: SPLIT, SPLIT_V)
 * or removed (UNPACK: size 1). `axis` is resolved (0 <= axis < input rank). */
static inline int hil_split_prepare(hil_graph *g, hil_node *node, const hil_tensor *in, int axis, int keep_axis)
{
    unsigned n = hil_node_num_outputs(node);
    hil_split_params *p = hil_persistent_alloc(g, sizeof *p + n * sizeof p->slab_bytes[0]);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    uint32_t inner = (uint32_t)hil_dtype_size(in->type);
    for (int d = axis + 1; d < in->ndim; d++)
        inner *= (uint32_t)in->dims[d];
    p->outputs = n;
    p->outer = 1;
    for (int d = 0; d < axis; d++)
        p->outer *= (uint32_t)in->dims[d];
    int32_t total = 0;
    for (unsigned i = 0; i < n; i++) {
        const hil_tensor *out = hil_node_output(g, node, i);
        if (!out || out->type != in->type || out->ndim != in->ndim - (keep_axis ? 0 : 1))
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "outputs must have the input's type and rank");
        for (int d = 0, o = 0; d < in->ndim; d++) {
            if (d == axis && !keep_axis)
                continue;
            if (d != axis && out->dims[o] != in->dims[d])
                return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output shapes differ from the input off the axis");
            o++;
        }
        int32_t size = keep_axis ? out->dims[axis] : 1;
        total += size;
        p->slab_bytes[i] = (uint32_t)size * inner;
    }
    if (total != in->dims[axis])
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output sizes along the axis do not add up to the input's");
    node->params = p;
    return HIL_OK;
}

/* Eval of all three: the input is the node's input `value`. */
static inline int hil_split_eval(hil_graph *g, hil_node *node, unsigned value)
{
    const hil_split_params *p = node->params;
    const uint8_t *in = hil_node_input(g, node, value)->data;
    for (uint32_t k = 0; k < p->outer; k++)
        for (uint32_t i = 0; i < p->outputs; i++) {
            memcpy(hil_node_output(g, node, i)->data + k * p->slab_bytes[i], in, p->slab_bytes[i]);
            in += p->slab_bytes[i];
        }
    return HIL_OK;
}

/* The axis of SPLIT / SPLIT_V: a constant int32 tensor of one value, resolved against `rank`;
 * -1 when it is not constant or out of range. */
static inline int hil_split_axis(const hil_tensor *axis, int rank)
{
    if (!axis || !axis->is_const || axis->type != HIL_INT32 || hil_num_elements(axis) != 1)
        return -1;
    int32_t a = (int32_t)hil_le32(axis->data);
    if (a < 0)
        a += rank;
    return a >= 0 && a < rank ? a : -1;
}

#endif
