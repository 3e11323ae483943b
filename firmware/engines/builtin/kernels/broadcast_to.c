/* BROADCAST_TO of any element size (TFLM: float32, int8, int16, int32, int64, bool), up to 5
 * dimensions as TFLM: the input right-aligned to the output, each input dimension 1 or the
 * output's; a strided view (view.h) whose step is 0 along the repeated axes. The shape input
 * must be constant (int32 or int64) and equal to the output's shape, as in TFLM. */
#include "hil_protocol.h"
#include "view.h"

#define BROADCAST_TO_MAX_DIMS 5

static int shape_matches(const hil_tensor *shape, const hil_tensor *out)
{
    if ((shape->type != HIL_INT32 && shape->type != HIL_INT64) || shape->ndim != 1 || shape->dims[0] != out->ndim)
        return 0;
    for (int d = 0; d < out->ndim; d++)
        if (hil_int_at(shape, (uint32_t)d) != out->dims[d])
            return 0;
    return 1;
}

static int broadcast_to_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0), *shape = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 1 || !in || !shape || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, a shape and one output");
    if (in->type != out->type)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output types differ");
    if (out->ndim > BROADCAST_TO_MAX_DIMS)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "output has more than 5 dimensions (as in TFLM)");
    if (!shape->is_const)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "the shape must be constant (as in TFLM)");
    if (!shape_matches(shape, out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "the shape must be an int32 or int64 vector equal to the "
                                                          "output shape");
    int32_t stride[HIL_MAX_DIMS], step[HIL_MAX_DIMS];
    hil_view_strides(in, stride);
    const int extend = out->ndim - in->ndim;
    if (extend < 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input has more dimensions than the output");
    for (int d = 0; d < out->ndim; d++) {
        int32_t size = d < extend ? 1 : in->dims[d - extend];
        if (size != 1 && size != out->dims[d])
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "the output shape is not broadcastable from the input's");
        step[d] = size == 1 ? 0 : stride[d - extend];
    }
    hil_view *v = hil_persistent_alloc(g, sizeof *v);
    if (!v)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    hil_view_build(v, out->ndim, out->dims, step, 0, hil_dtype_size(in->type));
    node->params = v;
    return HIL_OK;
}

static int broadcast_to_eval(hil_graph *g, hil_node *node)
{
    hil_view_copy(node->params, hil_node_input(g, node, 0)->data, hil_node_output(g, node, 0)->data);
    return HIL_OK;
}

const hil_kernel hil_kernel_broadcast_to = {130, "BROADCAST_TO", broadcast_to_prepare, broadcast_to_eval};
