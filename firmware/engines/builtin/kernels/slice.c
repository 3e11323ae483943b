/* SLICE of any element size (TFLM: float32, int8, int16, int32, bool) of up to 5 dimensions,
 * as TFLM's reference: begin and size (int32 or int64, one value per input dimension, size -1
 * meaning "to the end") give a box of the input, copied in raster order (a strided view,
 * view.h). Constant begin and size are resolved at load; computed ones at each invoke, which
 * fails when the box leaves the input or does not match the output shape (TFLM reads out of
 * bounds there). */
#include "hil_protocol.h"
#include "view.h"

#define SLICE_MAX_DIMS 5 /* TFLM's limit */

typedef struct {
    hil_view view;
    uint8_t computed; /* begin or size is not constant: the view is rebuilt at each invoke */
} slice_params;

/* The view of the box begin/size selects; 0 when it leaves the input or is not the output's shape. */
static int slice_view(hil_view *v, const hil_tensor *in, const hil_tensor *begin, const hil_tensor *size,
                      const hil_tensor *out)
{
    int32_t stride[HIL_MAX_DIMS], origin = 0;
    hil_view_strides(in, stride);
    for (int d = 0; d < in->ndim; d++) {
        int64_t b = hil_int_at(begin, d), n = hil_int_at(size, d);
        if (n == -1)
            n = in->dims[d] - b;
        if (b < 0 || n < 0 || b + n > in->dims[d] || n != out->dims[d])
            return 0;
        origin += (int32_t)b * stride[d];
    }
    hil_view_build(v, in->ndim, out->dims, stride, origin, hil_dtype_size(in->type));
    return 1;
}

static int slice_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0), *begin = hil_node_input(g, node, 1);
    hil_tensor *size = hil_node_input(g, node, 2), *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 3 || hil_node_num_outputs(node) != 1 || !in || !begin || !size || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, begin, size and one output");
    if (in->type != out->type || in->ndim != out->ndim)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output must have the same type and rank");
    if (in->ndim > SLICE_MAX_DIMS)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input has more than 5 dimensions (as in TFLM)");
    if ((begin->type != HIL_INT32 && begin->type != HIL_INT64) || size->type != begin->type || begin->ndim != 1 ||
        size->ndim != 1 || begin->dims[0] != in->ndim || size->dims[0] != in->ndim)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID,
                          "begin and size must be int32 or int64 vectors of one type, one value per input dimension");
    slice_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->computed = !begin->is_const || !size->is_const;
    if (!p->computed && !slice_view(&p->view, in, begin, size, out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "begin and size leave the input or differ from the output shape");
    node->params = p;
    return HIL_OK;
}

static int slice_eval(hil_graph *g, hil_node *node)
{
    slice_params *p = node->params;
    const hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (p->computed && !slice_view(&p->view, in, hil_node_input(g, node, 1), hil_node_input(g, node, 2), out))
        return HIL_ERR_INVOKE_FAILED;
    hil_view_copy(&p->view, in->data, out->data);
    return HIL_OK;
}

const hil_kernel hil_kernel_slice = {65, "SLICE", slice_prepare, slice_eval};
