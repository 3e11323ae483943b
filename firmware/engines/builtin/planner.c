/* Arena planning from tensor lifetimes: greedy placement, largest tensor first, at the lowest
 * offset that does not overlap any placed tensor alive at the same time (the strategy of TFLM's
 * GreedyMemoryPlanner). Graph inputs stay alive for the whole invoke, so a repeated invoke
 * sees the same input without the host sending it again.
 *
 * One addition: a kernel may declare that its output can overlap an input that dies at that
 * node (hil_allow_alias): it reads and writes in an order that tolerates the output starting
 * up to alias_limit bytes after the input's start (e.g. a 1x1 convolution writes pixel p only
 * after reading it). Such a pair may share memory when the placement respects the limit; the
 * greedy pass tries that placement first. Offsets are planned relative to a movable origin, as
 * an output may start before its input, then shifted so the lowest is 0. */
#include <string.h>

#include "graph.h"
#include "hil_asan.h"
#include "hil_protocol.h"

#define PLAN_ALIGN 16u
#define ORIGIN 0x40000000u /* offsets are planned around this, then shifted */

/* a: PLAN_ALIGN, or 1 when the oracle measures what alignment costs (HIL_PLAN_UNALIGNED) */
static uint32_t align_up(uint32_t v, uint32_t a) { return (v + a - 1u) & ~(a - 1u); }
static int64_t align_down64(int64_t v, uint32_t a) { return v >= 0 ? v & ~(int64_t)(a - 1u) : -((-v + a - 1) & ~(int64_t)(a - 1u)); }

static void widen(hil_tensor *t, int32_t node)
{
    if (node < t->first_use)
        t->first_use = node;
    if (node > t->last_use)
        t->last_use = node;
}

static void mark_list(hil_graph *g, uint32_t base, hil_fb_vec list, int32_t node)
{
    for (uint32_t i = 0; i < list.len; i++) {
        int32_t t = hil_fb_vec_i32(&g->fb, list, i);
        if (t >= 0)
            widen(&g->tensors[base + (uint32_t)t], node);
    }
}

/* Node indices are positions in the flat node table. The tensors of subgraphs other than 0 are
 * used while a node of subgraph 0 runs them (CALL_ONCE), so they are kept alive throughout.
 * Variable tensors live in the persistent part of the arena, not in the plan. */
static void compute_lifetimes(hil_graph *g)
{
    const hil_subgraph *main = &g->subgraphs[0];
    int32_t last = g->n_nodes ? (int32_t)g->n_nodes - 1 : 0;
    for (uint32_t i = 0; i < g->n_model_tensors; i++) {
        g->tensors[i].first_use = INT32_MAX;
        g->tensors[i].last_use = -1;
    }
    for (uint32_t n = 0; n < g->n_nodes; n++) {
        mark_list(g, g->nodes[n].tensor_base, g->nodes[n].inputs, (int32_t)n);
        mark_list(g, g->nodes[n].tensor_base, g->nodes[n].outputs, (int32_t)n);
    }
    mark_list(g, 0, g->inputs, 0);
    if (!(g->plan_flags & HIL_PLAN_NO_INPUT_KEPT))
        mark_list(g, 0, g->inputs, last);
    mark_list(g, 0, g->outputs, last);
    for (uint32_t i = main->n_tensors; i < g->n_tensors; i++) {
        hil_tensor *t = &g->tensors[i]; /* another subgraph's tensor, or its node's scratch */
        if (i < g->n_model_tensors || t->first_use >= (int32_t)main->n_nodes) {
            widen(t, 0);
            widen(t, last);
        }
    }
    for (uint32_t i = 0; i < g->n_tensors; i++) {
        hil_tensor *t = &g->tensors[i];
        t->is_planned = !t->is_const && !t->is_variable && t->bytes > 0 && t->first_use <= t->last_use &&
                        !(i >= g->n_model_tensors && (g->plan_flags & HIL_PLAN_NO_SCRATCH));
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

static int in_list(hil_graph *g, hil_fb_vec list, int32_t t)
{
    for (uint32_t i = 0; i < list.len; i++)
        if (hil_fb_vec_i32(&g->fb, list, i) == t)
            return 1;
    return 0;
}

/* Planning state at the bottom of the arena, which is free until planning ends: the placed
 * tensors in placement order, and per tensor its alias partners (a tensor dies at one node
 * and is born at one, so it is the input of at most one honoured request and the output of
 * at most one), whether it is placed, the size order and a stack. */
enum { PLAN_WORDS = 7 }; /* int32 arrays of n_tensors each */
typedef struct {
    uint32_t *order; /* placed tensors, in placement order */
    int32_t *child;  /* the output that may overlap this tensor, or -1 */
    int32_t *limit;  /* ... with output offset - this offset <= limit */
    int32_t *parent; /* the input this tensor may overlap, or -1 */
    int32_t *placed; /* 1 once placed */
    uint32_t *by_size, *stack;
    uint32_t align; /* of every offset */
} plan_state;

/* Records each node's alias request that can be honoured: the input dies at the node (no
 * later reader, not a graph input or output) and the output is born there. */
static void collect_aliases(hil_graph *g, plan_state *ps)
{
    for (uint32_t i = 0; i < g->n_tensors; i++)
        ps->child[i] = ps->parent[i] = -1;
#ifndef HIL_DEBUG_TENSORS
    for (uint32_t n = 0; n < g->n_nodes; n++) {
        const hil_node *node = &g->nodes[n];
        if (node->alias_input < 0 || node->outputs.len != 1)
            continue;
        int32_t in = node->alias_input, out = hil_fb_vec_i32(&g->fb, node->outputs, 0);
        if (out < 0)
            continue;
        out += (int32_t)node->tensor_base;
        if (out == in || (uint32_t)out >= g->n_model_tensors)
            continue;
        const hil_tensor *ti = &g->tensors[in], *to = &g->tensors[out];
        if (!ti->is_planned || !to->is_planned || ti->last_use != (int32_t)n || to->first_use != (int32_t)n ||
            in_list(g, g->inputs, in) || in_list(g, g->outputs, in) || ps->child[in] >= 0 || ps->parent[out] >= 0)
            continue;
        ps->child[in] = out;
        ps->limit[in] = node->alias_limit;
        ps->parent[out] = in;
    }
#endif
}

/* Whether tensors a and b, alive together, may overlap with a at offset oa and b at ob. */
static int may_share(const plan_state *ps, uint32_t a, int64_t oa, uint32_t b, int64_t ob)
{
    if (ps->child[a] == (int32_t)b)
        return ob - oa <= ps->limit[a];
    if (ps->child[b] == (int32_t)a)
        return oa - ob <= ps->limit[b];
    return 0;
}

static int64_t offset_of(const hil_tensor *t) { return (int64_t)t->arena_offset - ORIGIN; }

/* Whether `t` (index ti) fits at offset o beside every placed tensor alive with it. */
static int fits(hil_graph *g, const plan_state *ps, uint32_t placed, uint32_t ti, int64_t o)
{
    const hil_tensor *t = &g->tensors[ti];
    for (uint32_t k = 0; k < placed; k++) {
        const hil_tensor *p = &g->tensors[ps->order[k]];
        int64_t po = offset_of(p);
        if (overlaps_in_time(p, t) && o < po + p->bytes && po < o + t->bytes && !may_share(ps, ps->order[k], po, ti, o))
            return 0;
    }
    return 1;
}

/* Lowest offset from `lowest` where `t` fits beside every placed tensor alive with it. */
static int64_t first_fit(hil_graph *g, const plan_state *ps, uint32_t placed, uint32_t ti, int64_t lowest)
{
    const hil_tensor *t = &g->tensors[ti];
    int64_t offset = lowest;
    for (int moved = 1; moved;) {
        moved = 0;
        for (uint32_t k = 0; k < placed; k++) {
            const hil_tensor *p = &g->tensors[ps->order[k]];
            int64_t po = offset_of(p);
            if (!overlaps_in_time(p, t) || !(offset < po + p->bytes && po < offset + t->bytes) ||
                may_share(ps, ps->order[k], po, ti, offset))
                continue;
            offset = po + (int64_t)align_up(p->bytes, ps->align);
            moved = 1;
        }
    }
    return offset;
}

/* The displacement output - input the planner aims for: as much overlap as the limit allows
 * (the output inside the end of a larger input, or a larger output over the input). */
static int64_t preferred_displacement(const hil_tensor *in, const hil_tensor *out, int32_t limit, uint32_t align)
{
    int64_t d = (int64_t)in->bytes - (int64_t)out->bytes;
    if (d < 0)
        d = 0;
    if (d > limit)
        d = limit;
    return align_down64(d, align);
}

/* An offset for tensor ti next to an already placed alias partner, or INT64_MIN. */
static int64_t alias_candidate(hil_graph *g, const plan_state *ps, uint32_t placed, uint32_t ti)
{
    for (int as_output = 0; as_output <= 1; as_output++) {
        int32_t in = as_output ? ps->parent[ti] : (int32_t)ti, out = as_output ? (int32_t)ti : ps->child[ti];
        if (in < 0 || out < 0)
            continue;
        uint32_t partner = (uint32_t)(as_output ? in : out);
        if (!ps->placed[partner])
            continue;
        int64_t d = preferred_displacement(&g->tensors[in], &g->tensors[out], ps->limit[in], ps->align);
        int64_t o = as_output ? offset_of(&g->tensors[partner]) + d : offset_of(&g->tensors[partner]) - d;
        if (fits(g, ps, placed, ti, o))
            return o;
    }
    return INT64_MIN;
}

/* Places tensor ti: next to an alias partner when that keeps the plan at least as compact as
 * the first fit. */
static void place(hil_graph *g, plan_state *ps, uint32_t *n_placed, uint32_t ti, int64_t *lowest, int64_t *highest)
{
    hil_tensor *t = &g->tensors[ti];
    int64_t o = first_fit(g, ps, *n_placed, ti, *lowest);
    int64_t a = alias_candidate(g, ps, *n_placed, ti);
    if (a != INT64_MIN) {
        int64_t span_fit = (o + t->bytes > *highest ? o + t->bytes : *highest) - (o < *lowest ? o : *lowest);
        int64_t span_alias = (a + t->bytes > *highest ? a + t->bytes : *highest) - (a < *lowest ? a : *lowest);
        if (span_alias <= span_fit)
            o = a;
    }
    t->arena_offset = (uint32_t)(o + ORIGIN);
    *lowest = o < *lowest ? o : *lowest;
    *highest = o + t->bytes > *highest ? o + t->bytes : *highest;
    ps->placed[ti] = 1;
    ps->order[(*n_placed)++] = ti;
}

static int too_small(hil_graph *g)
{
    g->msg[0] = '\0';
    strncat(g->msg, "tensor arena too small for this model: rebuild with a larger HIL_ARENA_BYTES", g->msg_cap - 1);
    return HIL_ERR_ARENA_TOO_SMALL;
}

int hil_graph_plan(hil_graph *g)
{
    compute_lifetimes(g);
    if ((uint64_t)g->n_tensors * 4u * PLAN_WORDS > g->persistent_start)
        return too_small(g);
    int32_t *bottom = (int32_t *)(void *)g->arena;
    const uint32_t nt = g->n_tensors;
    plan_state ps = {(uint32_t *)bottom,         bottom + nt,     bottom + 2 * nt, bottom + 3 * nt,
                     bottom + 4 * nt, (uint32_t *)(bottom + 5 * nt), (uint32_t *)(bottom + 6 * nt),
                     g->plan_flags & HIL_PLAN_UNALIGNED ? 1u : PLAN_ALIGN};
    collect_aliases(g, &ps);
    uint32_t n = 0;
    for (uint32_t i = 0; i < nt; i++) {
        ps.placed[i] = 0;
        if (!g->tensors[i].is_planned)
            continue;
        uint32_t j = n++;
        while (j > 0 && g->tensors[ps.by_size[j - 1]].bytes < g->tensors[i].bytes) {
            ps.by_size[j] = ps.by_size[j - 1];
            j--;
        }
        ps.by_size[j] = i;
    }
    /* Largest first; after each tensor, its chain of alias partners, so that a chain is laid
     * out around the large tensor that starts it. */
    int64_t lowest = 0, highest = 0;
    uint32_t n_placed = 0;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t depth = 0;
        ps.stack[depth++] = ps.by_size[k];
        while (depth) {
            uint32_t ti = ps.stack[--depth];
            if (ps.placed[ti])
                continue;
            place(g, &ps, &n_placed, ti, &lowest, &highest);
            if (lowest < -(int64_t)ORIGIN || highest > (int64_t)ORIGIN)
                return too_small(g);
            if (ps.child[ti] >= 0 && !ps.placed[ps.child[ti]] && depth < nt)
                ps.stack[depth++] = (uint32_t)ps.child[ti];
            if (ps.parent[ti] >= 0 && !ps.placed[ps.parent[ti]] && depth < nt)
                ps.stack[depth++] = (uint32_t)ps.parent[ti];
        }
    }
    for (uint32_t k = 0; k < n_placed; k++) /* the lowest offset becomes 0 */
        g->tensors[ps.order[k]].arena_offset = (uint32_t)(offset_of(&g->tensors[ps.order[k]]) - lowest);
    uint64_t span = align_up((uint32_t)(highest - lowest), ps.align);
    if (span > g->persistent_start)
        return too_small(g);
    g->planned_bytes = (uint32_t)span;
    for (uint32_t i = 0; i < nt; i++)
        if (g->tensors[i].is_planned)
            g->tensors[i].data = g->arena + g->tensors[i].arena_offset;
    /* Host builds: a kernel writing past the highest tensor now hits poisoned memory. */
    HIL_POISON(g->arena + g->planned_bytes, g->persistent_start - g->planned_bytes);
    return HIL_OK;
}
