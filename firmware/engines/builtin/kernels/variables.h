/* Resource variables: VAR_HANDLE names one (container, shared name) and gives its handle, a
 * RESOURCE tensor holding the variable's index; READ_VARIABLE and ASSIGN_VARIABLE copy between
 * the variable's buffer and a tensor. The buffers and their reset live in state.c; data of any
 * type is moved as bytes, as TFLM does. Header-only. */
#ifndef HIL_VARIABLES_H
#define HIL_VARIABLES_H
#include "graph.h"
#include "hil_protocol.h"

/* The variable a handle tensor names (its index, written by VAR_HANDLE). Refuses, on the node, a
 * handle that does not come from a VAR_HANDLE of the same subgraph prepared earlier. */
static inline int hil_variable_of(hil_graph *g, hil_node *node, const hil_tensor *handle, hil_resource **out)
{
    if (!handle || handle->type != HIL_RESOURCE)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input 0 must be a resource handle");
    if (!handle->data)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "the resource handle must come from a VAR_HANDLE earlier in "
                                                        "its subgraph");
    int32_t id = *(const int32_t *)(const void *)handle->data;
    if (id < 0 || (uint32_t)id >= g->n_resources)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "no such resource variable");
    *out = &g->resources[id];
    return HIL_OK;
}

#endif
