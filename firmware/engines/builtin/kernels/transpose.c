/* TRANSPOSE of any element size (TFLM: float32, int8, int16) with a constant permutation of up
 * to 5 dimensions, as TFLM's reference: output elements in raster order, each read from the
 * input through the permuted strides. */
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"

#define TR_MAX_DIMS 5 /* TFLM's limit */

typedef struct {
    int32_t ndim, elem;
    int32_t out_dims[TR_MAX_DIMS];
    int32_t in_stride[TR_MAX_DIMS]; /* input elements per step along each output axis */
} transpose_params;

static int transpose_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0), *perm = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 1 || !in || !perm || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, a permutation and one output");
    if (in->type != out->type || in->bytes != out->bytes || in->ndim != out->ndim)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output must have the same type, rank and size");
    if (in->ndim > TR_MAX_DIMS)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input has more than 5 dimensions (as in TFLM)");
    if (!perm->is_const || perm->type != HIL_INT32 || perm->ndim != 1 || perm->dims[0] != in->ndim)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED,
                          "the permutation must be a constant int32 vector, one value per dimension");
    transpose_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    int32_t stride[TR_MAX_DIMS], step = 1;
    for (int d = in->ndim - 1; d >= 0; d--) {
        stride[d] = step;
        step *= in->dims[d];
    }
    unsigned seen = 0;
    for (int d = 0; d < in->ndim; d++) {
        int32_t axis = (int32_t)hil_le32(perm->data + 4 * d);
        if (axis < 0 || axis >= in->ndim || (seen >> axis) & 1u)
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "the permutation is not a permutation of the dimensions");
        if (out->dims[d] != in->dims[axis])
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output shape is not the permuted input shape");
        seen |= 1u << axis;
        p->out_dims[d] = out->dims[d];
        p->in_stride[d] = stride[axis];
    }
    p->ndim = in->ndim;
    p->elem = hil_dtype_size(in->type);
    node->params = p;
    return HIL_OK;
}

/* One element of `elem` bytes, unrolled per size so each copy is one load and one store. */
static void copy_elem(uint8_t *dst, const uint8_t *src, int32_t elem)
{
    switch (elem) {
    case 1: *dst = *src; break;
    case 2: memcpy(dst, src, 2); break;
    case 4: memcpy(dst, src, 4); break;
    default: memcpy(dst, src, (size_t)elem); break;
    }
}

static int transpose_eval(hil_graph *g, hil_node *node)
{
    const transpose_params *p = node->params;
    const uint8_t *in = hil_node_input(g, node, 0)->data;
    uint8_t *out = hil_node_output(g, node, 0)->data;
    int32_t index[TR_MAX_DIMS] = {0};
    uint32_t n = hil_num_elements(hil_node_output(g, node, 0));
    int64_t offset = 0; /* input element of the current output element */
    for (uint32_t i = 0; i < n; i++) {
        copy_elem(out + (size_t)i * (size_t)p->elem, in + offset * p->elem, p->elem);
        for (int d = p->ndim - 1; d >= 0; d--) { /* odometer over the output index */
            offset += p->in_stride[d];
            if (++index[d] < p->out_dims[d])
                break;
            offset -= (int64_t)p->in_stride[d] * p->out_dims[d];
            index[d] = 0;
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_transpose = {39, "TRANSPOSE", transpose_prepare, transpose_eval};
