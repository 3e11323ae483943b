/* PACK: stacks N same-shaped tensors along a new axis (TFLM's PackImpl: for each input, copy
 * `copy_size` elements per outer index) for TFLM's types float32, int8, int16, int32, int64, as bytes;
 * like TFLM, quantized values are copied as they are (the converter gives inputs and output one
 * scale and zero point). */
#include <string.h>

#include "hil_protocol.h"
#include "quant.h"

enum { PACK_OPT_VALUES_COUNT = 0, PACK_OPT_AXIS = 1 };

typedef struct {
    uint32_t values, outer, copy_bytes;
} pack_params;

static int pack_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *out = hil_node_output(g, node, 0);
    unsigned n = hil_node_num_inputs(node);
    int32_t values = hil_fb_i32(&g->fb, &node->options, PACK_OPT_VALUES_COUNT, 0);
    int32_t axis = hil_fb_i32(&g->fb, &node->options, PACK_OPT_AXIS, 0);
    if (!out || n == 0 || values != (int32_t)n)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "values_count differs from the number of inputs");
    int elem = hil_dtype_size(out->type);
    if (out->type != HIL_FLOAT32 && out->type != HIL_INT8 && out->type != HIL_INT16 && out->type != HIL_INT32 &&
        out->type != HIL_INT64)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "unsupported element type");
    if (axis < 0)
        axis += out->ndim;
    if (axis < 0 || axis >= out->ndim || out->dims[axis] != (int32_t)n)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "pack axis does not match the output shape");
    pack_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->values = n;
    p->outer = 1;
    for (int d = 0; d < axis; d++)
        p->outer *= (uint32_t)out->dims[d];
    uint32_t copy = 1;
    for (int d = axis + 1; d < out->ndim; d++)
        copy *= (uint32_t)out->dims[d];
    p->copy_bytes = copy * (uint32_t)elem;
    for (unsigned i = 0; i < n; i++) {
        hil_tensor *in = hil_node_input(g, node, i);
        if (!in || in->type != out->type || hil_num_elements(in) != p->outer * copy)
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "inputs must match the output's type and shape");
    }
    node->params = p;
    return HIL_OK;
}

static int pack_eval(hil_graph *g, hil_node *node)
{
    const pack_params *p = node->params;
    uint8_t *out = hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->values; i++) {
        const uint8_t *in = hil_node_input(g, node, i)->data;
        for (uint32_t k = 0; k < p->outer; k++)
            memcpy(out + (k * p->values + i) * p->copy_bytes, in + k * p->copy_bytes, p->copy_bytes);
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_pack = {83, "PACK", pack_prepare, pack_eval};
