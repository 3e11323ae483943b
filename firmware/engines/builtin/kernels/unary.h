/* The checks every element-wise kernel with one input shares (LOGISTIC, TANH, RELU, RELU6, int8
 * and float32): one input and one output of element type `type`, the same number of elements.
 * Header-only (static inline). */
#ifndef HIL_UNARY_H
#define HIL_UNARY_H
#include "graph.h"
#include "hil_protocol.h"

static inline int hil_unary_check(hil_graph *g, hil_node *node, int type)
{
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 1 || hil_node_num_outputs(node) != 1 || !in || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs one input and one output");
    if (in->type != type || out->type != type)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED,
                          type == HIL_FLOAT32 ? "float32 kernel: input and output must be float32"
                                              : "only int8 input and output are supported");
    if (hil_num_elements(in) != hil_num_elements(out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output sizes differ");
    return HIL_OK;
}

#endif
