/* The checks ADD_N shares between its types: two or more inputs of the output's element type and
 * shape (TFLM loops over the output's size). Header-only. */
#ifndef HIL_ADD_N_H
#define HIL_ADD_N_H
#include "graph.h"
#include "hil_protocol.h"

static inline int hil_add_n_check(hil_graph *g, hil_node *node, int type, const char *type_message)
{
    const hil_tensor *out = hil_node_output(g, node, 0);
    const hil_tensor *first = hil_node_input(g, node, 0);
    if (hil_node_num_inputs(node) < 2 || hil_node_num_outputs(node) != 1 || !out || !first)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs two or more inputs and one output");
    for (unsigned i = 0; i < hil_node_num_inputs(node); i++) {
        const hil_tensor *in = hil_node_input(g, node, i);
        if (!in || !hil_same_shape(in, first))
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "inputs must all have the same shape");
        if (in->type != type)
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED, type_message);
    }
    if (out->type != type)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, type_message);
    if (hil_num_elements(out) != hil_num_elements(first))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output sizes differ");
    return HIL_OK;
}

/* Outputs are summed a block at a time (accumulators on the stack, each input's data looked up
 * once per block); every output still adds its inputs in order. */
#define HIL_ADD_N_BLOCK 32

static inline const void *hil_add_n_input(hil_graph *g, const hil_node *node, unsigned j)
{
    return hil_node_input(g, node, j)->data;
}

#endif
