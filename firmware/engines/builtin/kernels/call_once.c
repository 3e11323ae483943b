/* CALL_ONCE: runs its init subgraph (typically assigning the resource variables their initial
 * values) at the first invoke after loading, and never again; as in TFLM, a state reset does not
 * rearm it. */
#include "graph.h"
#include "hil_protocol.h"

enum { CALL_ONCE_OPT_INIT_SUBGRAPH = 0 }; /* CallOnceOptions */

typedef struct {
    uint32_t subgraph;
    uint8_t has_run, running; /* running: an init subgraph that calls back into itself fails */
} call_once_params;

static int call_once_prepare(hil_graph *g, hil_node *node)
{
    int32_t sg = hil_fb_i32(&g->fb, &node->options, CALL_ONCE_OPT_INIT_SUBGRAPH, 0);
    if (hil_node_num_inputs(node) != 0 || hil_node_num_outputs(node) != 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "takes no inputs and gives no outputs");
    if (sg <= 0 || (uint32_t)sg >= g->n_subgraphs)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "its init subgraph does not exist (or is subgraph 0)");
    call_once_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->subgraph = (uint32_t)sg;
    node->params = p;
    return HIL_OK;
}

static int call_once_eval(hil_graph *g, hil_node *node)
{
    call_once_params *p = node->params;
    if (p->has_run)
        return HIL_OK;
    if (p->running)
        return HIL_ERR_INVOKE_FAILED;
    p->running = 1;
    int status = hil_graph_invoke_subgraph(g, p->subgraph);
    p->running = 0;
    if (status == HIL_OK)
        p->has_run = 1;
    return status;
}

const hil_kernel hil_kernel_call_once = {129, "CALL_ONCE", call_once_prepare, call_once_eval};
