/* READ_VARIABLE: the resource variable (input 0) copied into the output. The variable's buffer
 * comes from an ASSIGN_VARIABLE, maybe one prepared later (state.c checks it exists once every
 * operator is prepared). */
#include <string.h>

#include "variables.h"

static int read_variable_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 1 || hil_node_num_outputs(node) != 1 || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs a resource handle and one output");
    hil_resource *r = 0;
    int status = hil_variable_of(g, node, hil_node_input(g, node, 0), &r);
    if (status != HIL_OK)
        return status;
    if (r->read_bytes && r->read_bytes != out->bytes)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "reads of the variable differ in size");
    r->read_bytes = out->bytes ? out->bytes : 1;
    return HIL_OK;
}

static int read_variable_eval(hil_graph *g, hil_node *node)
{
    hil_tensor *out = hil_node_output(g, node, 0);
    const hil_resource *r = &g->resources[*(const int32_t *)(const void *)hil_node_input(g, node, 0)->data];
    memcpy(out->data, r->data, r->bytes);
    return HIL_OK;
}

const hil_kernel hil_kernel_read_variable = {143, "READ_VARIABLE", read_variable_prepare, read_variable_eval};
