/* CONCATENATION along any axis, of any 1-, 2-, 4- or 8-byte element type: TFLM's
 * reference_ops::Concatenation, which copies each input's slab per outer index. Like TFLM
 * (int8 goes through its unquantized path), values are copied without requantization; the
 * converter gives all inputs the output's scale and zero point. TFLM's limits apply: at most 10
 * inputs, no fused activation. */
#include <string.h>

#include "hil_protocol.h"
#include "quant.h"

enum { CONCAT_OPT_AXIS = 0, CONCAT_OPT_ACTIVATION = 1 };
#define CONCAT_MAX_INPUTS 10

typedef struct {
    uint32_t inputs, outer;
    uint32_t slab_bytes[CONCAT_MAX_INPUTS]; /* bytes of input i per outer index */
} concat_params;

static int concat_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *out = hil_node_output(g, node, 0);
    unsigned n = hil_node_num_inputs(node);
    if (!out || n == 0 || hil_node_num_outputs(node) != 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs inputs and one output");
    if (n > CONCAT_MAX_INPUTS)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "more than 10 inputs (TFLM's limit)");
    if (hil_fb_i8(&g->fb, &node->options, CONCAT_OPT_ACTIVATION, 0) != HIL_ACT_NONE)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "fused activations are not supported (as in TFLM)");
    int elem = hil_dtype_size(out->type);
    if (elem == 0 || out->type == HIL_FLOAT16 || out->type == HIL_UINT8)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "unsupported element type");
    int32_t axis = hil_fb_i32(&g->fb, &node->options, CONCAT_OPT_AXIS, 0);
    if (axis < 0)
        axis += out->ndim;
    if (axis < 0 || axis >= out->ndim)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "axis out of range");
    concat_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->inputs = n;
    p->outer = 1;
    for (int d = 0; d < axis; d++)
        p->outer *= (uint32_t)out->dims[d];
    uint32_t inner = (uint32_t)elem;
    for (int d = axis + 1; d < out->ndim; d++)
        inner *= (uint32_t)out->dims[d];
    int32_t axis_total = 0;
    for (unsigned i = 0; i < n; i++) {
        hil_tensor *in = hil_node_input(g, node, i);
        if (!in || in->type != out->type || in->ndim != out->ndim)
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "inputs must match the output's type and rank");
        for (int d = 0; d < out->ndim; d++)
            if (d != axis && in->dims[d] != out->dims[d])
                return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input shapes differ off the concatenation axis");
        axis_total += in->dims[axis];
        p->slab_bytes[i] = (uint32_t)in->dims[axis] * inner;
    }
    if (axis_total != out->dims[axis])
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input sizes along the axis do not add up to the output's");
    node->params = p;
    return HIL_OK;
}

static int concat_eval(hil_graph *g, hil_node *node)
{
    const concat_params *p = node->params;
    uint8_t *out = hil_node_output(g, node, 0)->data;
    for (uint32_t k = 0; k < p->outer; k++)
        for (uint32_t i = 0; i < p->inputs; i++) {
            const uint8_t *in = hil_node_input(g, node, i)->data;
            memcpy(out, in + k * p->slab_bytes[i], p->slab_bytes[i]);
            out += p->slab_bytes[i];
        }
    return HIL_OK;
}

const hil_kernel hil_kernel_concatenation = {2, "CONCATENATION", concat_prepare, concat_eval};
