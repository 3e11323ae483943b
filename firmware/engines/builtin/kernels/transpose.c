/* TRANSPOSE of any element size (TFLM: float32, int8, int16) with a constant permutation of up
 * to 5 dimensions, as TFLM's reference: output elements in raster order, each read from the
 * input through the permuted strides (a strided view, view.h). */
#include "hil_protocol.h"
#include "view.h"

#define TR_MAX_DIMS 5 /* TFLM's limit */

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
    hil_view *v = hil_persistent_alloc(g, sizeof *v);
    if (!v)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    int32_t stride[HIL_MAX_DIMS], step[HIL_MAX_DIMS];
    hil_view_strides(in, stride);
    unsigned seen = 0;
    for (int d = 0; d < in->ndim; d++) {
        int32_t axis = (int32_t)hil_le32(perm->data + 4 * d);
        if (axis < 0 || axis >= in->ndim || (seen >> axis) & 1u)
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "the permutation is not a permutation of the dimensions");
        if (out->dims[d] != in->dims[axis])
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output shape is not the permuted input shape");
        seen |= 1u << axis;
        step[d] = stride[axis];
    }
    hil_view_build(v, out->ndim, out->dims, step, 0, hil_dtype_size(in->type));
    node->params = v;
    return HIL_OK;
}

static int transpose_eval(hil_graph *g, hil_node *node)
{
    hil_view_copy(node->params, hil_node_input(g, node, 0)->data, hil_node_output(g, node, 0)->data);
    return HIL_OK;
}

const hil_kernel hil_kernel_transpose = {39, "TRANSPOSE", transpose_prepare, transpose_eval};
