/* RESHAPE: the output's static shape from the model (TFLM likewise takes the shape from the
 * output tensor, whether the model gives it as options or as a shape tensor); eval copies the
 * bytes, since the planner gives the output its own arena slot. */
#include <string.h>

#include "hil_protocol.h"
#include "quant.h"

static int reshape_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    unsigned n = hil_node_num_inputs(node);
    if ((n != 1 && n != 2) || hil_node_num_outputs(node) != 1 || !in || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, an optional shape and one output");
    if (in->type != out->type)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output types differ");
    if (hil_dtype_size(in->type) == 0 || in->bytes != out->bytes)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output element counts differ");
    return HIL_OK;
}

static int reshape_eval(hil_graph *g, hil_node *node)
{
    const hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (out->data != in->data)
        memcpy(out->data, in->data, in->bytes);
    return HIL_OK;
}

const hil_kernel hil_kernel_reshape = {22, "RESHAPE", reshape_prepare, reshape_eval};
