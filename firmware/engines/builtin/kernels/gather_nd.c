/* GATHER_ND of any element size (TFLM: float32, int8), int32 indices: each innermost index
 * vector of length nd (1-5, at most the params' rank) selects a slice of params (its trailing
 * dimensions), copied in order, as TFLM's reference. Like TFLM it checks only that the whole
 * slice lies within params (one index may run past its dimension while the flat position stays
 * inside); a slice outside fails the invoke. */
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"

#define GATHER_ND_MAX_INDICES 5 /* TFLM's MAX_INDICES_ND */

typedef struct {
    int32_t nd, slices, slice; /* index length, slices to copy, elements per slice */
    int32_t count[GATHER_ND_MAX_INDICES]; /* params elements per step of index j */
    int32_t total, elem;
} gather_nd_params;

static int output_shape_ok(const hil_tensor *params, const hil_tensor *indices, int32_t nd, const hil_tensor *out)
{
    int n = 0;
    int32_t want[2 * HIL_MAX_DIMS];
    for (int i = 0; i < indices->ndim - 1; i++)
        want[n++] = indices->dims[i];
    for (int i = nd; i < params->ndim; i++)
        want[n++] = params->dims[i];
    return out->ndim == n && memcmp(out->dims, want, sizeof want[0] * (size_t)n) == 0;
}

static int gather_nd_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *params = hil_node_input(g, node, 0), *indices = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 1 || !params || !indices || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs params, indices and one output");
    if (indices->type != HIL_INT32 || params->type != out->type)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "indices must be int32 and the output of the params' type");
    if (params->ndim < 1 || indices->ndim < 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "params and indices must have at least one dimension");
    const int32_t nd = indices->dims[indices->ndim - 1];
    if (nd > params->ndim || nd > GATHER_ND_MAX_INDICES)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "index length must be at most the params' rank and 5 (as in TFLM)");
    if (!output_shape_ok(params, indices, nd, out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output shape must be indices.shape[:-1] + params.shape[nd:]");
    if (hil_num_elements(params) == 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "params must not be empty");
    gather_nd_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->nd = nd;
    p->slices = 1;
    for (int i = 0; i < indices->ndim - 1; i++)
        p->slices *= indices->dims[i];
    p->slice = 1;
    for (int i = nd; i < params->ndim; i++)
        p->slice *= params->dims[i];
    p->total = (int32_t)hil_num_elements(params);
    int32_t remain = p->total;
    for (int j = 0; j < nd; j++)
        remain = p->count[j] = remain / params->dims[j];
    p->elem = hil_dtype_size(params->type);
    node->params = p;
    return HIL_OK;
}

static int gather_nd_eval(hil_graph *g, hil_node *node)
{
    const gather_nd_params *p = node->params;
    const hil_tensor *params = hil_node_input(g, node, 0), *indices = hil_node_input(g, node, 1);
    uint8_t *out = hil_node_output(g, node, 0)->data;
    const size_t bytes = (size_t)p->slice * (size_t)p->elem;
    for (int32_t i = 0; i < p->slices; i++) {
        int64_t from = 0;
        for (int32_t j = 0; j < p->nd; j++)
            from += hil_int_at(indices, (uint32_t)(i * p->nd + j)) * p->count[j];
        if (from < 0 || from + p->slice > p->total)
            return HIL_ERR_INVOKE_FAILED;
        memcpy(out + (size_t)i * bytes, params->data + (size_t)from * (size_t)p->elem, bytes);
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_gather_nd = {107, "GATHER_ND", gather_nd_prepare, gather_nd_eval};
