/* FILL of any element size (TFLM: float32, int8, int32, chosen by the value input): every
 * output element is the scalar value. As in TFLM the dims input must be constant, a vector of
 * an integer type equal to the output's shape, and the value a 0-D tensor of the output's type. */
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"

static int dims_match(const hil_tensor *dims, const hil_tensor *out)
{
    if (dims->ndim != 1 || dims->dims[0] != out->ndim)
        return 0;
    if (dims->type != HIL_INT8 && dims->type != HIL_INT16 && dims->type != HIL_INT32 && dims->type != HIL_INT64)
        return 0;
    for (int d = 0; d < out->ndim; d++)
        if (hil_int_at(dims, (uint32_t)d) != out->dims[d])
            return 0;
    return 1;
}

static int fill_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *dims = hil_node_input(g, node, 0), *value = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 1 || !dims || !value || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs dims, a value and one output");
    if (value->ndim != 0 || value->type != out->type)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "the value must be a scalar of the output's type");
    if (!dims->is_const)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "dims must be constant (as in TFLM)");
    if (!dims_match(dims, out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "dims must be an integer vector equal to the output shape");
    return HIL_OK;
}

static int fill_eval(hil_graph *g, hil_node *node)
{
    const hil_tensor *value = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    const uint32_t elem = (uint32_t)hil_dtype_size(out->type);
    for (uint32_t at = 0; at < out->bytes; at += elem)
        memcpy(out->data + at, value->data, elem);
    return HIL_OK;
}

const hil_kernel hil_kernel_fill = {94, "FILL", fill_prepare, fill_eval};
