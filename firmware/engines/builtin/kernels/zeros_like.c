/* ZEROS_LIKE of any element size (TFLM: int8, int32, int64, float32): an output of the input's
 * type and size, every byte zero (0 and 0.0f alike). */
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"

static int zeros_like_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 1 || hil_node_num_outputs(node) != 1 || !in || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs one input and one output");
    if (in->type != out->type || hil_num_elements(in) != hil_num_elements(out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output must have the input's type and size");
    return HIL_OK;
}

static int zeros_like_eval(hil_graph *g, hil_node *node)
{
    hil_tensor *out = hil_node_output(g, node, 0);
    memset(out->data, 0, out->bytes);
    return HIL_OK;
}

const hil_kernel hil_kernel_zeros_like = {93, "ZEROS_LIKE", zeros_like_prepare, zeros_like_eval};
