/* SPLIT: inputs (axis, value), outputs of equal size along the axis (split.h); as in TFLM, the
 * number of outputs decides, not the num_splits option. */
#include "split.h"

static int split_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 1);
    unsigned n = hil_node_num_outputs(node);
    if (hil_node_num_inputs(node) != 2 || !in || n == 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an axis, an input and outputs");
    int axis = hil_split_axis(hil_node_input(g, node, 0), in->ndim);
    if (axis < 0)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "the axis must be one constant int32 value within the input rank");
    int status = hil_split_prepare(g, node, in, axis, 1);
    for (unsigned i = 0; status == HIL_OK && i < n; i++) /* TFLM cuts every output to output 0's size */
        if (hil_node_output(g, node, i)->dims[axis] * (int32_t)n != in->dims[axis])
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "outputs must split the axis evenly");
    return status;
}

static int split_eval(hil_graph *g, hil_node *node) { return hil_split_eval(g, node, 1); }

const hil_kernel hil_kernel_split = {49, "SPLIT", split_prepare, split_eval};
