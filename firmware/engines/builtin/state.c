/* What a model keeps from one invoke to the next, and how a reset returns it to its start:
 *  - variable tensors (is_variable: an LSTM's hidden and cell state, an SVDF's activation
 *    history) get their own persistent memory, as TFLM allocates them, never planned memory;
 *  - resource variables (VAR_HANDLE / READ_VARIABLE / ASSIGN_VARIABLE), named by container and
 *    shared name, with a buffer the first ASSIGN_VARIABLE that knows the variable allocates;
 *  - kernels with state of their own (hil_kernel.reset).
 * A reset does what TFLM's MicroInterpreter::Reset does: every kernel's reset, variable tensors
 * to their zero point (int8) or zero, resource variables to their default byte. CALL_ONCE is not
 * reset there, so its init subgraph runs once per load, not once per reset. */
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"

static int same_string(hil_fb *fb, hil_fb_vec a, hil_fb_vec b)
{
    return a.len == b.len && (a.len == 0 || memcmp(hil_fb_vec_bytes(fb, a), hil_fb_vec_bytes(fb, b), a.len) == 0);
}

/* TFLM's lookup: an absent container matches any (models may leave it out to save space). */
hil_resource *hil_resource_find(hil_graph *g, hil_fb_vec container, hil_fb_vec shared_name, int create)
{
    for (uint32_t i = 0; i < g->n_resources; i++) {
        hil_resource *r = &g->resources[i];
        if ((!container.pos || same_string(&g->fb, container, r->container)) &&
            same_string(&g->fb, shared_name, r->shared_name))
            return r;
    }
    if (!create || g->n_resources >= g->max_resources)
        return 0;
    hil_resource *r = &g->resources[g->n_resources++];
    memset(r, 0, sizeof *r);
    r->container = container;
    r->shared_name = shared_name;
    return r;
}

int hil_resource_allocate(hil_graph *g, hil_resource *r, const hil_tensor *value)
{
    if (r->data)
        return r->bytes == value->bytes ? HIL_OK : HIL_ERR_MODEL_INVALID;
    r->data = hil_persistent_alloc(g, value->bytes ? value->bytes : 1);
    if (!r->data)
        return HIL_ERR_ARENA_TOO_SMALL;
    r->bytes = value->bytes;
    /* TFLM memsets the buffer with the value tensor's first zero point cast to int8. */
    r->default_value = (uint8_t)(value->zero_points.len ? (int8_t)value->zero_point : 0);
    memset(r->data, r->default_value, r->bytes);
    return HIL_OK;
}

enum { HIL_VAR_HANDLE = 142 };

static uint32_t count_var_handles(const hil_graph *g)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < g->n_nodes; i++)
        n += g->nodes[i].opcode == HIL_VAR_HANDLE;
    return n;
}

int hil_state_init(hil_graph *g)
{
    for (uint32_t i = 0; i < g->n_model_tensors; i++) {
        hil_tensor *t = &g->tensors[i];
        if (!t->is_variable || t->bytes == 0)
            continue;
        t->data = hil_persistent_alloc(g, t->bytes);
        if (!t->data) {
            g->msg[0] = '\0';
            strncat(g->msg, "arena too small for the model's variable tensors", g->msg_cap - 1);
            return HIL_ERR_ARENA_TOO_SMALL;
        }
        g->has_state = 1;
    }
    g->max_resources = count_var_handles(g);
    if (g->max_resources) {
        g->resources = hil_persistent_alloc(g, sizeof(hil_resource) * g->max_resources);
        if (!g->resources) {
            g->msg[0] = '\0';
            strncat(g->msg, "arena too small for the model's resource variables", g->msg_cap - 1);
            return HIL_ERR_ARENA_TOO_SMALL;
        }
        g->has_state = 1;
    }
    for (uint32_t i = 0; i < g->n_nodes; i++)
        if (g->nodes[i].kernel->reset)
            g->has_state = 1;
    return HIL_OK;
}

int hil_state_check(hil_graph *g)
{
    for (uint32_t i = 0; i < g->n_resources; i++) {
        const hil_resource *r = &g->resources[i];
        if (!r->read_bytes || (r->data && r->read_bytes == (r->bytes ? r->bytes : 1)))
            continue;
        g->msg[0] = '\0';
        strncat(g->msg, r->data ? "READ_VARIABLE: a resource variable is read with another size than it is assigned"
                                : "READ_VARIABLE: a resource variable is read but no ASSIGN_VARIABLE sets it",
                g->msg_cap - 1);
        return HIL_ERR_MODEL_INVALID;
    }
    return HIL_OK;
}

void hil_graph_reset(hil_graph *g)
{
    for (uint32_t i = 0; i < g->n_nodes; i++)
        if (g->nodes[i].kernel->reset)
            g->nodes[i].kernel->reset(g, &g->nodes[i]);
    for (uint32_t i = 0; i < g->n_model_tensors; i++) {
        hil_tensor *t = &g->tensors[i];
        if (t->is_variable && t->data)
            memset(t->data, t->type == HIL_INT8 ? (uint8_t)(int8_t)t->zero_point : 0, t->bytes);
    }
    for (uint32_t i = 0; i < g->n_resources; i++)
        if (g->resources[i].data)
            memset(g->resources[i].data, g->resources[i].default_value, g->resources[i].bytes);
}
