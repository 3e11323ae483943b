/* GATHER of any element size (TFLM: float32, int8) along `axis`, with `batch_dims` leading
 * dimensions shared by the input and the int32 positions, as TFLM's reference: for each batch,
 * outer index and position, one copy of the `inner` elements after the axis. The positions may
 * be constant or computed; a position outside [0, axis size) fails the invoke (TFLM only checks
 * it in debug builds and reads out of bounds). */
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"

enum { GATHER_OPT_AXIS = 0, GATHER_OPT_BATCH_DIMS = 1 }; /* GatherOptions */

typedef struct {
    uint32_t batches, outer, coords, inner_bytes;
    int32_t axis_size;
} gather_params;

static uint32_t product(const int32_t *dims, int from, int to)
{
    uint32_t n = 1;
    for (int d = from; d < to; d++)
        n *= (uint32_t)dims[d];
    return n;
}

/* TFLM's output shape: input[:axis] + positions[batch_dims:] + input[axis + 1:]. */
static int output_shape_ok(const hil_tensor *in, const hil_tensor *pos, const hil_tensor *out, int axis, int batch_dims)
{
    int n = 0, same = 1;
    if (out->ndim != in->ndim + pos->ndim - 1 - batch_dims)
        return 0;
    for (int d = 0; d < axis; d++)
        same &= out->dims[n++] == in->dims[d];
    for (int d = batch_dims; d < pos->ndim; d++)
        same &= out->dims[n++] == pos->dims[d];
    for (int d = axis + 1; d < in->ndim; d++)
        same &= out->dims[n++] == in->dims[d];
    return same;
}

static int gather_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0), *pos = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 1 || !in || !pos || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, positions and one output");
    if (pos->type != HIL_INT32)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "positions must be int32 (as in TFLM)");
    if (in->type != out->type)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output types differ");
    int32_t axis = hil_fb_i32(&g->fb, &node->options, GATHER_OPT_AXIS, 0);
    int32_t batch_dims = hil_fb_i32(&g->fb, &node->options, GATHER_OPT_BATCH_DIMS, 0);
    if (axis < 0)
        axis += in->ndim;
    if (batch_dims < 0)
        batch_dims += pos->ndim;
    if (axis < 0 || axis >= in->ndim || batch_dims < 0 || batch_dims > axis || batch_dims > pos->ndim)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "axis or batch_dims out of range");
    for (int d = 0; d < batch_dims; d++)
        if (in->dims[d] != pos->dims[d])
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "batch dimensions of input and positions differ");
    if (!output_shape_ok(in, pos, out, axis, batch_dims))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output shape is not the gathered shape");
    gather_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->batches = product(in->dims, 0, batch_dims);
    p->outer = product(in->dims, batch_dims, axis);
    p->coords = product(pos->dims, batch_dims, pos->ndim);
    p->inner_bytes = product(in->dims, axis + 1, in->ndim) * (uint32_t)hil_dtype_size(in->type);
    p->axis_size = in->dims[axis];
    node->params = p;
    return HIL_OK;
}

static int gather_eval(hil_graph *g, hil_node *node)
{
    const gather_params *p = node->params;
    const uint8_t *in = hil_node_input(g, node, 0)->data;
    const uint8_t *pos = hil_node_input(g, node, 1)->data;
    uint8_t *out = hil_node_output(g, node, 0)->data;
    for (uint32_t b = 0; b < p->batches; b++)
        for (uint32_t o = 0; o < p->outer; o++) {
            const uint8_t *slab = in + (size_t)(b * p->outer + o) * (size_t)p->axis_size * p->inner_bytes;
            for (uint32_t c = 0; c < p->coords; c++) {
                int32_t i = (int32_t)hil_le32(pos + 4u * (b * p->coords + c));
                if (i < 0 || i >= p->axis_size)
                    return HIL_ERR_INVOKE_FAILED;
                memcpy(out, slab + (size_t)i * p->inner_bytes, p->inner_bytes);
                out += p->inner_bytes;
            }
        }
    return HIL_OK;
}

const hil_kernel hil_kernel_gather = {36, "GATHER", gather_prepare, gather_eval};
