/* The checks every element-wise kernel with one input shares (LOGISTIC, TANH, RELU, RELU6,
 * LEAKY_RELU, ABS, ... in every type): one input and one output of element type `type`, the same
 * number of elements.
 * Header-only (static inline). */
#ifndef HIL_UNARY_H
#define HIL_UNARY_H
#include "graph.h"
#include "hil_protocol.h"

/* The refusal of a kernel of element type `type` given other types. */
static inline const char *hil_unary_type_message(int type)
{
    switch (type) {
    case HIL_FLOAT32: return "float32 kernel: input and output must be float32";
    case HIL_INT16: return "int16 kernel: input and output must be int16";
    case HIL_INT32: return "int32 kernel: input and output must be int32";
    case HIL_BOOL: return "bool kernel: input and output must be bool";
    default: return "only int8 input and output are supported";
    }
}

static inline int hil_unary_check(hil_graph *g, hil_node *node, int type)
{
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 1 || hil_node_num_outputs(node) != 1 || !in || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs one input and one output");
    if (in->type != type || out->type != type)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, hil_unary_type_message(type));
    if (hil_num_elements(in) != hil_num_elements(out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output sizes differ");
    return HIL_OK;
}

#endif
