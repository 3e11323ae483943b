/* DYNAMIC_UPDATE_SLICE, int8, int16, int32 and float32 (any element size): TFLM's reference.
 * The output is the operand with the update written over it at the start indices (int32 or
 * int64, read at each invoke, so they may be model inputs), each clamped to [0, operand - update]
 * along its dimension. Bytes are copied unchanged. */
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"

typedef struct {
    int32_t ndim, elem;
    int32_t out_dims[HIL_MAX_DIMS], upd_dims[HIL_MAX_DIMS];
    uint32_t out_stride[HIL_MAX_DIMS]; /* operand / output elements per step of each dimension */
    uint32_t out_bytes, upd_rows;      /* upd_rows: update rows (every dimension but the last) */
} dus_params;

static int dus_check(hil_graph *g, hil_node *node, const hil_tensor *operand, const hil_tensor *update,
                     const hil_tensor *start, const hil_tensor *out)
{
    if (operand->type != update->type || operand->type != out->type || !hil_same_shape(operand, out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "operand, update and output must have one type");
    if ((start->type != HIL_INT32 && start->type != HIL_INT64) || start->ndim != 1 ||
        start->dims[0] != operand->ndim || update->ndim != operand->ndim || operand->ndim < 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "start indices must be int32 or int64, one per dimension");
    for (int32_t d = 0; d < operand->ndim; d++)
        if (update->dims[d] > operand->dims[d])
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "the update is larger than the operand");
    return HIL_OK;
}

static int dus_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *operand = hil_node_input(g, node, 0), *update = hil_node_input(g, node, 1);
    hil_tensor *start = hil_node_input(g, node, 2), *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 3 || hil_node_num_outputs(node) != 1 || !operand || !update || !start || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an operand, an update, start indices and one output");
    int status = dus_check(g, node, operand, update, start, out);
    if (status != HIL_OK)
        return status;
    dus_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->ndim = operand->ndim;
    p->elem = hil_dtype_size(operand->type);
    p->out_bytes = hil_num_elements(out) * (uint32_t)p->elem;
    p->upd_rows = 1;
    uint32_t stride = 1;
    for (int32_t d = p->ndim - 1; d >= 0; d--) {
        p->out_dims[d] = operand->dims[d];
        p->upd_dims[d] = update->dims[d];
        p->out_stride[d] = stride;
        stride *= (uint32_t)operand->dims[d];
        if (d < p->ndim - 1)
            p->upd_rows *= (uint32_t)update->dims[d];
    }
    node->params = p;
    return HIL_OK;
}

static int dus_eval(hil_graph *g, hil_node *node)
{
    const dus_params *p = node->params;
    const hil_tensor *operand = hil_node_input(g, node, 0), *start = hil_node_input(g, node, 2);
    const uint8_t *update = hil_node_input(g, node, 1)->data;
    uint8_t *out = hil_node_output(g, node, 0)->data;
    const int32_t last = p->ndim - 1;
    const size_t row = (size_t)p->upd_dims[last] * (size_t)p->elem;
    if (out != operand->data)
        memmove(out, operand->data, p->out_bytes);
    if (!row || !p->upd_rows)
        return HIL_OK;
    int32_t first[HIL_MAX_DIMS];
    for (int32_t d = 0; d < p->ndim; d++) {
        int64_t s = hil_int_at(start, (uint32_t)d), limit = p->out_dims[d] - p->upd_dims[d];
        first[d] = (int32_t)(s < 0 ? 0 : (s > limit ? limit : s));
    }
    int32_t idx[HIL_MAX_DIMS] = {0};
    for (uint32_t r = 0; r < p->upd_rows; r++, update += row) {
        uint32_t at = (uint32_t)first[last];
        for (int32_t d = 0; d < last; d++)
            at += (uint32_t)(first[d] + idx[d]) * p->out_stride[d];
        memcpy(out + (size_t)at * (size_t)p->elem, update, row);
        for (int32_t d = last - 1; d >= 0; d--) { /* next update row, last outer dimension fastest */
            if (++idx[d] < p->upd_dims[d])
                break;
            idx[d] = 0;
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_dynamic_update_slice = {151, "DYNAMIC_UPDATE_SLICE", dus_prepare, dus_eval};
