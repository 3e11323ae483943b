/* ASSIGN_VARIABLE: the value (input 1) copied into the resource variable (input 0). The first
 * ASSIGN_VARIABLE of a variable sizes its buffer and fills it with the value's zero point, as
 * TFLM's MicroResourceVariables::Allocate. */
#include <string.h>

#include "variables.h"

static int assign_variable_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *value = hil_node_input(g, node, 1);
    if (hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 0 || !value)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs a resource handle and a value, and no output");
    hil_resource *r = 0;
    int status = hil_variable_of(g, node, hil_node_input(g, node, 0), &r);
    if (status != HIL_OK)
        return status;
    status = hil_resource_allocate(g, r, value);
    if (status == HIL_ERR_ARENA_TOO_SMALL)
        return hil_reject(g, node, status, "no room for the variable's buffer");
    if (status != HIL_OK)
        return hil_reject(g, node, status, "the value's size differs from the variable's");
    return HIL_OK;
}

static int assign_variable_eval(hil_graph *g, hil_node *node)
{
    const hil_tensor *value = hil_node_input(g, node, 1);
    hil_resource *r = &g->resources[*(const int32_t *)(const void *)hil_node_input(g, node, 0)->data];
    memcpy(r->data, value->data, r->bytes);
    return HIL_OK;
}

const hil_kernel hil_kernel_assign_variable = {144, "ASSIGN_VARIABLE", assign_variable_prepare, assign_variable_eval};
