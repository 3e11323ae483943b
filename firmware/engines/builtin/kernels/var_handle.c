/* VAR_HANDLE: the handle of the resource variable named by its options (container, shared name),
 * created on first use, as TFLM's MicroResourceVariables::CreateIdIfNoneFound; the output tensor
 * holds the variable's index. */
#include "variables.h"

enum { VAR_HANDLE_OPT_CONTAINER = 0, VAR_HANDLE_OPT_SHARED_NAME = 1 }; /* VarHandleOptions */

static int var_handle_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 0 || hil_node_num_outputs(node) != 1 || !out || out->type != HIL_RESOURCE)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs no input and one resource output");
    hil_fb_vec container = hil_fb_string_at(&g->fb, &node->options, VAR_HANDLE_OPT_CONTAINER);
    hil_fb_vec name = hil_fb_string_at(&g->fb, &node->options, VAR_HANDLE_OPT_SHARED_NAME);
    hil_resource *r = hil_resource_find(g, container, name, 1);
    int32_t *id = hil_persistent_alloc(g, sizeof *id);
    if (!r || !id)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "no room for the resource variable");
    *id = (int32_t)(r - g->resources);
    out->data = (uint8_t *)id;
    return HIL_OK;
}

static int var_handle_eval(hil_graph *g, hil_node *node) { return HIL_OK; }

const hil_kernel hil_kernel_var_handle = {142, "VAR_HANDLE", var_handle_prepare, var_handle_eval};
