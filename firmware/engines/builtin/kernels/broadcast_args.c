/* BROADCAST_ARGS (int32, int64): the broadcast of two shape vectors, right-aligned, as TFLM's
 * reference: a missing or 1 dimension takes the other's; unequal dimensions fail the invoke
 * (TFLM aborts). TFLM takes each dimension as an int, so int64 values are truncated to 32 bits
 * as there. */
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"

static int broadcast_args_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *a = hil_node_input(g, node, 0), *b = hil_node_input(g, node, 1), *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 1 || !a || !b || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs two shapes and one output");
    if ((a->type != HIL_INT32 && a->type != HIL_INT64) || b->type != a->type || out->type != a->type)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "shapes and output must be int32 or int64, of one type");
    if (a->ndim != 1 || b->ndim != 1 || out->ndim != 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "shapes and output must be vectors");
    return HIL_OK;
}

/* Dimension i counted from the end of a shape vector of n values; 1 beyond its start. */
static int32_t from_end(const hil_tensor *t, int32_t n, int32_t i)
{
    return i < n ? (int32_t)hil_int_at(t, (uint32_t)(n - 1 - i)) : 1;
}

static void store(hil_tensor *out, int32_t i, int32_t value)
{
    const int64_t v = value;
    if (out->type == HIL_INT64)
        memcpy(out->data + 8 * i, &v, 8);
    else
        memcpy(out->data + 4 * i, &value, 4);
}

static int broadcast_args_eval(hil_graph *g, hil_node *node)
{
    const hil_tensor *a = hil_node_input(g, node, 0), *b = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    const int32_t n = out->dims[0];
    for (int32_t i = 0; i < n; i++) {
        int32_t x = from_end(a, a->dims[0], i), y = from_end(b, b->dims[0], i);
        if (x != 1 && y != 1 && x != y)
            return HIL_ERR_INVOKE_FAILED;
        store(out, n - 1 - i, x == 1 ? y : x);
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_broadcast_args = {145, "BROADCAST_ARGS", broadcast_args_prepare, broadcast_args_eval};
