/* UNPACK: `num` outputs, each the input at one index of `axis`, the axis removed (split.h). */
#include "split.h"

enum { UNPACK_OPT_NUM = 0, UNPACK_OPT_AXIS = 1 }; /* UnpackOptions */

static int unpack_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0);
    int32_t num = hil_fb_i32(&g->fb, &node->options, UNPACK_OPT_NUM, 0);
    int32_t axis = hil_fb_i32(&g->fb, &node->options, UNPACK_OPT_AXIS, 0);
    if (hil_node_num_inputs(node) != 1 || !in || hil_node_num_outputs(node) == 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input and outputs");
    if (axis < 0)
        axis += in->ndim;
    if (axis < 0 || axis >= in->ndim)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "axis out of range");
    if (num != (int32_t)hil_node_num_outputs(node))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "num differs from the number of outputs");
    return hil_split_prepare(g, node, in, axis, 0);
}

static int unpack_eval(hil_graph *g, hil_node *node) { return hil_split_eval(g, node, 0); }

const hil_kernel hil_kernel_unpack = {88, "UNPACK", unpack_prepare, unpack_eval};
