/* STRIDED_SLICE of float32, int32, int16, int8 or bool tensors with constant begin / end /
 * strides and the begin, end and shrink-axis masks: the index logic of TFLM's strided_slice
 * (start clamped to [0, size] or [-1, size - 1] by stride direction, masks override, a shrunk
 * axis takes one element). Like TFLM: at most 4 dimensions, no ellipsis or new-axis masks.
 * Start, stop and stride per axis are resolved once at prepare; eval only copies. */
#include <string.h>

#include "hil_protocol.h"
#include "quant.h"

enum { SS_BEGIN_MASK = 0, SS_END_MASK = 1, SS_ELLIPSIS_MASK = 2, SS_NEW_AXIS_MASK = 3, SS_SHRINK_MASK = 4,
       SS_OFFSET = 5 };
#define SS_MAX_DIMS 4

typedef struct {
    int ndim, elem;
    int32_t start[SS_MAX_DIMS], stop[SS_MAX_DIMS], stride[SS_MAX_DIMS];
    int32_t in_stride[SS_MAX_DIMS]; /* input element strides */
} ss_params;

static int32_t clamp_index(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

static int32_t axis_start(int32_t begin, int32_t stride, int32_t size, int begin_masked)
{
    if (begin_masked)
        return stride > 0 ? 0 : size - 1;
    if (begin < 0)
        begin += size;
    return stride > 0 ? clamp_index(begin, 0, size) : clamp_index(begin, -1, size - 1);
}

static int32_t axis_stop(int32_t end, int32_t stride, int32_t size, int32_t start, int end_masked, int shrink)
{
    if (shrink)
        return start >= size ? start : start + 1;
    if (end_masked)
        return stride > 0 ? size : -1;
    if (end < 0)
        end += size;
    return stride > 0 ? clamp_index(end, 0, size) : clamp_index(end, -1, size - 1);
}

static int32_t axis_count(int32_t start, int32_t stop, int32_t stride)
{
    int32_t n = stride > 0 ? (stop - start + stride - 1) / stride : (start - stop - stride - 1) / -stride;
    return n > 0 ? n : 0;
}

static int index_tensor_ok(const hil_tensor *t, int ndim)
{
    return t && t->is_const && t->type == HIL_INT32 && hil_num_elements(t) == (uint32_t)ndim;
}

static int ss_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *begin = hil_node_input(g, node, 1), *end = hil_node_input(g, node, 2);
    hil_tensor *strides = hil_node_input(g, node, 3);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 4 || !in || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, begin, end, strides and an output");
    int elem = hil_dtype_size(in->type);
    if (in->type != out->type || (in->type != HIL_FLOAT32 && in->type != HIL_INT32 && in->type != HIL_BOOL &&
                                  in->type != HIL_INT16 && in->type != HIL_INT8))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input and output must share a 1-, 2- or 4-byte type");
    if (in->ndim < 1 || in->ndim > SS_MAX_DIMS)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input must have 1 to 4 dimensions (as in TFLM)");
    if (!index_tensor_ok(begin, in->ndim) || !index_tensor_ok(end, in->ndim) || !index_tensor_ok(strides, in->ndim))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED,
                          "begin, end and strides must be constant int32 tensors, one value per input dimension");
    hil_fb *fb = &g->fb;
    int32_t begin_mask = hil_fb_i32(fb, &node->options, SS_BEGIN_MASK, 0);
    int32_t end_mask = hil_fb_i32(fb, &node->options, SS_END_MASK, 0);
    int32_t shrink_mask = hil_fb_i32(fb, &node->options, SS_SHRINK_MASK, 0);
    if (hil_fb_i32(fb, &node->options, SS_ELLIPSIS_MASK, 0) || hil_fb_i32(fb, &node->options, SS_NEW_AXIS_MASK, 0))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "ellipsis and new-axis masks are not supported (as in TFLM)");
    if (hil_fb_u8(fb, &node->options, SS_OFFSET, 0))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "the offset option is not supported");

    ss_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->ndim = in->ndim;
    p->elem = elem;
    uint32_t count = 1;
    int32_t step = 1;
    for (int d = in->ndim - 1; d >= 0; d--) {
        p->in_stride[d] = step;
        step *= in->dims[d];
    }
    for (int d = 0; d < in->ndim; d++) {
        int32_t stride = (int32_t)hil_le32(strides->data + 4 * d);
        if (stride == 0)
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "a stride is zero");
        int32_t size = in->dims[d];
        p->stride[d] = stride;
        p->start[d] = axis_start((int32_t)hil_le32(begin->data + 4 * d), stride, size, (begin_mask >> d) & 1);
        p->stop[d] = axis_stop((int32_t)hil_le32(end->data + 4 * d), stride, size, p->start[d], (end_mask >> d) & 1,
                               (shrink_mask >> d) & 1);
        count *= (uint32_t)axis_count(p->start[d], p->stop[d], stride);
    }
    if (count != hil_num_elements(out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "the slice does not match the output shape");
    node->params = p;
    return HIL_OK;
}

static int ss_eval(hil_graph *g, hil_node *node)
{
    const ss_params *p = node->params;
    const uint8_t *in = hil_node_input(g, node, 0)->data;
    uint8_t *out = hil_node_output(g, node, 0)->data;
    const int last = p->ndim - 1;
    int32_t pos[SS_MAX_DIMS];
    for (int d = 0; d < p->ndim; d++)
        pos[d] = p->start[d];
    for (int d = 0; d < p->ndim; d++)
        if (axis_count(p->start[d], p->stop[d], p->stride[d]) == 0)
            return HIL_OK;
    for (;;) {
        int32_t base = 0;
        for (int d = 0; d < last; d++)
            base += pos[d] * p->in_stride[d];
        if (p->stride[last] == 1) { /* contiguous innermost run */
            size_t n = (size_t)(p->stop[last] - p->start[last]) * (size_t)p->elem;
            memcpy(out, in + (size_t)(base + p->start[last]) * (size_t)p->elem, n);
            out += n;
        } else {
            for (int32_t i = p->start[last]; p->stride[last] > 0 ? i < p->stop[last] : i > p->stop[last];
                 i += p->stride[last]) {
                memcpy(out, in + (size_t)(base + i) * (size_t)p->elem, (size_t)p->elem);
                out += p->elem;
            }
        }
        int d = last - 1; /* odometer over the outer axes */
        for (; d >= 0; d--) {
            pos[d] += p->stride[d];
            if (p->stride[d] > 0 ? pos[d] < p->stop[d] : pos[d] > p->stop[d])
                break;
            pos[d] = p->start[d];
        }
        if (d < 0)
            return HIL_OK;
    }
}

const hil_kernel hil_kernel_strided_slice = {45, "STRIDED_SLICE", ss_prepare, ss_eval};
