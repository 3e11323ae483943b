/* Arena planning from tensor lifetimes: greedy placement, largest tensor first, at the lowest
 * offset that does not overlap any placed tensor alive at the same time (the strategy of TFLM's
 * GreedyMemoryPlanner). Graph inputs stay alive for the whole invoke, so a repeated invoke
 * sees the same input without the host sending it again. */
#include <string.h>

#include "graph.h"
#include "hil_asan.h"
#include "hil_protocol.h"

#define PLAN_ALIGN 16u

static uint32_t align_up(uint32_t v) { return (v + PLAN_ALIGN - 1u) & ~(PLAN_ALIGN - 1u); }

static void widen(hil_tensor *t, int32_t node)
{
    if (node < t->first_use)
        t->first_use = node;
    if (node > t->last_use)
        t->last_use = node;
}

static void mark_list(hil_graph *g, hil_fb_vec list, int32_t node)
{
    for (uint32_t i = 0; i < list.len; i++) {
        int32_t t = hil_fb_vec_i32(&g->fb, list, i);
        if (t >= 0)
            widen(&g->tensors[t], node);
    }
}

static void compute_lifetimes(hil_graph *g)
{
    int32_t last = g->n_nodes ? (int32_t)g->n_nodes - 1 : 0;
    for (uint32_t i = 0; i < g->n_model_tensors; i++) {
        g->tensors[i].first_use = INT32_MAX;
        g->tensors[i].last_use = -1;
    }
    for (uint32_t n = 0; n < g->n_nodes; n++) {
        mark_list(g, g->nodes[n].inputs, (int32_t)n);
        mark_list(g, g->nodes[n].outputs, (int32_t)n);
    }
    mark_list(g, g->inputs, 0);
    mark_list(g, g->inputs, last);
    mark_list(g, g->outputs, last);
    for (uint32_t i = 0; i < g->n_tensors; i++) {
        hil_tensor *t = &g->tensors[i];
        t->is_planned = !t->is_const && t->bytes > 0 && t->first_use <= t->last_use;
    }
}

static int overlaps_in_time(const hil_tensor *a, const hil_tensor *b)
{
#ifdef HIL_DEBUG_TENSORS
    /* Debug build: no reuse, every tensor keeps its own memory, so all intermediate tensors
     * can be read after an invoke (debug_tensors.c). */
    (void)a, (void)b;
    return 1;
#else
    return a->first_use <= b->last_use && b->first_use <= a->last_use;
#endif
}

/* Lowest offset where `t` fits beside every already placed tensor that is alive with it. */
static uint32_t first_fit(const hil_graph *g, const uint32_t *order, uint32_t placed, const hil_tensor *t)
{
    uint32_t offset = 0;
    for (int moved = 1; moved;) {
        moved = 0;
        for (uint32_t k = 0; k < placed; k++) {
            const hil_tensor *p = &g->tensors[order[k]];
            if (!overlaps_in_time(p, t))
                continue;
            if (offset < p->arena_offset + p->bytes && p->arena_offset < offset + t->bytes) {
                offset = align_up(p->arena_offset + p->bytes);
                moved = 1;
            }
        }
    }
    return offset;
}

int hil_graph_plan(hil_graph *g)
{
    compute_lifetimes(g);
    /* The sort order lives at the bottom of the arena, which is free until planning ends. */
    uint32_t *order = (uint32_t *)(void *)g->arena;
    uint32_t n = 0;
    if ((uint64_t)g->n_tensors * sizeof *order > g->persistent_start)
        return HIL_ERR_ARENA_TOO_SMALL;
    for (uint32_t i = 0; i < g->n_tensors; i++) {
        if (!g->tensors[i].is_planned)
            continue;
        uint32_t j = n++;
        while (j > 0 && g->tensors[order[j - 1]].bytes < g->tensors[i].bytes) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    uint32_t peak = 0;
    for (uint32_t k = 0; k < n; k++) {
        hil_tensor *t = &g->tensors[order[k]];
        t->arena_offset = first_fit(g, order, k, t);
        if (t->arena_offset + t->bytes > peak)
            peak = t->arena_offset + t->bytes;
    }
    g->planned_bytes = align_up(peak);
    if (g->planned_bytes > g->persistent_start) {
        g->msg[0] = '\0';
        strncat(g->msg, "tensor arena too small for this model: rebuild with a larger HIL_ARENA_BYTES",
                g->msg_cap - 1);
        return HIL_ERR_ARENA_TOO_SMALL;
    }
    for (uint32_t i = 0; i < g->n_tensors; i++)
        if (g->tensors[i].is_planned)
            g->tensors[i].data = g->arena + g->tensors[i].arena_offset;
    /* Host builds: a kernel writing past the highest tensor now hits poisoned memory. */
    HIL_POISON(g->arena + g->planned_bytes, g->persistent_start - g->planned_bytes);
    return HIL_OK;
}
