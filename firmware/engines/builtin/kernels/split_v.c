/* SPLIT_V: inputs (value, size_splits, axis), outputs of the sizes their shapes give along the
 * axis (split.h; like TFLM, size_splits itself is not read). */
#include "split.h"

static int split_v_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0);
    if (hil_node_num_inputs(node) != 3 || !in || hil_node_num_outputs(node) == 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, size_splits, an axis and outputs");
    int axis = hil_split_axis(hil_node_input(g, node, 2), in->ndim);
    if (axis < 0)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "the axis must be one constant int32 value within the input rank");
    return hil_split_prepare(g, node, in, axis, 1);
}

static int split_v_eval(hil_graph *g, hil_node *node) { return hil_split_eval(g, node, 0); }

const hil_kernel hil_kernel_split_v = {102, "SPLIT_V", split_v_prepare, split_v_eval};
