/* REVERSE_V2 of any element size (TFLM: float32, int8, uint8, int16, int32, int64, bool), up to
 * 6 dimensions: the input with the listed axes reversed (negative axes count from the end), a
 * strided view (view.h) with negative steps along them. As in TFLM the axes (int32) must be
 * contiguous once sorted (TFLM reverses the block of axes they span); constant axes are checked
 * at load, computed ones at each invoke, which then fails. */
#include "hil_protocol.h"
#include "view.h"

#define REVERSE_MAX_AXES 8 /* TFLM's buffer of axes */

typedef struct {
    hil_view view;
    uint8_t computed;
} reverse_params;

/* The view reversing `axes` of `in`; 0 if an axis is out of range or the axes are not contiguous. */
static int reverse_view(hil_view *v, const hil_tensor *in, const hil_tensor *axes)
{
    const int rank = in->ndim;
    int lo = rank, hi = -1, count = 0;
    uint8_t seen[HIL_MAX_DIMS] = {0};
    for (uint32_t i = 0; i < (uint32_t)axes->dims[0]; i++) {
        int64_t a = hil_int_at(axes, i);
        a = a < 0 ? a + rank : a;
        if (a < 0 || a >= rank || seen[a]) /* a repeated axis is not contiguous in TFLM */
            return 0;
        seen[a] = 1;
        lo = (int)a < lo ? (int)a : lo;
        hi = (int)a > hi ? (int)a : hi;
        count++;
    }
    if (count > 0 && hi - lo + 1 != count)
        return 0;
    int32_t stride[HIL_MAX_DIMS], step[HIL_MAX_DIMS], origin = 0;
    hil_view_strides(in, stride);
    for (int d = 0; d < rank; d++) {
        step[d] = seen[d] ? -stride[d] : stride[d];
        origin += seen[d] ? (in->dims[d] - 1) * stride[d] : 0;
    }
    hil_view_build(v, rank, in->dims, step, origin, hil_dtype_size(in->type));
    return 1;
}

static int reverse_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0), *axes = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 1 || !in || !axes || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, axes and one output");
    if (in->type != out->type || !hil_same_shape(in, out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output must have the input's type and shape");
    if (axes->type != HIL_INT32 || axes->ndim != 1 || axes->dims[0] > in->ndim || axes->dims[0] > REVERSE_MAX_AXES)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "axes must be an int32 vector of at most the input's rank");
    if (in->ndim == 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input must have at least one dimension");
    reverse_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->computed = !axes->is_const;
    if (!p->computed && !reverse_view(&p->view, in, axes))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "axes must be in range, distinct and contiguous (as in TFLM)");
    node->params = p;
    return HIL_OK;
}

static int reverse_eval(hil_graph *g, hil_node *node)
{
    reverse_params *p = node->params;
    const hil_tensor *in = hil_node_input(g, node, 0);
    if (p->computed && !reverse_view(&p->view, in, hil_node_input(g, node, 1)))
        return HIL_ERR_INVOKE_FAILED;
    hil_view_copy(&p->view, in->data, hil_node_output(g, node, 0)->data);
    return HIL_OK;
}

const hil_kernel hil_kernel_reverse_v2 = {105, "REVERSE_V2", reverse_prepare, reverse_eval};
