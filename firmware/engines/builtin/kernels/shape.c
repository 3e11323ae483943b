/* SHAPE: writes the input's dimensions as int32 (TFLM supports only an int32 output). The
 * shapes are static here, so this is a small copy at every invoke. */
#include <string.h>

#include "hil_protocol.h"
#include "quant.h"

static int shape_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 1 || hil_node_num_outputs(node) != 1 || !in || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs one input and one output");
    if (out->type != HIL_INT32)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "only an int32 output is supported (as in TFLM)");
    if (hil_num_elements(out) != in->ndim)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output size differs from the input's rank");
    return HIL_OK;
}

static int shape_eval(hil_graph *g, hil_node *node)
{
    const hil_tensor *in = hil_node_input(g, node, 0);
    memcpy(hil_node_output(g, node, 0)->data, in->dims, sizeof(int32_t) * in->ndim);
    return HIL_OK;
}

const hil_kernel hil_kernel_shape = {77, "SHAPE", shape_prepare, shape_eval};
