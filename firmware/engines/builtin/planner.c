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

/* Planning state at the bottom of the arena, which is free until planning ends: every tensor to
 * plan (the model's, then the scratch buffers nodes requested), the placed ones in placement
 * order, and per tensor its offset, its alias partners (a tensor dies at one node and is born
 * at one, so it is the input of at most one honoured request and the output of at most one),
 * whether it is placed, the size order and a stack. */
enum { PLAN_WORDS = 8 }; /* int32 arrays of n_tensors each, after the array of tensor pointers */
typedef struct {
    hil_tensor **t;  /* t[i]: tensor i of the plan */
    uint32_t *off;   /* planned offset, around ORIGIN */
    uint32_t *order; /* placed tensors, in placement order */
    int32_t *child;  /* the output that may overlap this tensor, or -1 */
    int32_t *limit;  /* ... with output offset - this offset <= limit */
    int32_t *parent; /* the input this tensor may overlap, or -1 */
    int32_t *placed; /* 1 once placed */
    uint32_t *by_size, *stack;
    uint32_t align; /* of every offset */
} plan_state;

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
static void compute_lifetimes(hil_graph *g, const plan_state *ps)
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
        hil_tensor *t = ps->t[i]; /* another subgraph's tensor, or its node's scratch */
        if (i < g->n_model_tensors || t->first_use >= (int32_t)main->n_nodes) {
            widen(t, 0);
            widen(t, last);
        }
    }
    for (uint32_t i = 0; i < g->n_tensors; i++) {
        hil_tensor *t = ps->t[i];
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


/* Whether the alias of input tensor `in` and output tensor `out` of node n can be honoured: the
 * input dies at the node (no later reader, not a graph input or output), the output is born
 * there, and neither is in another honoured pair. */
static int can_alias(hil_graph *g, const plan_state *ps, uint32_t n, int32_t in, int32_t out)
{
    const hil_tensor *ti = ps->t[in], *to = ps->t[out];
    return in != out && ti->is_planned && to->is_planned && ti->last_use == (int32_t)n && to->first_use == (int32_t)n &&
           !in_list(g, g->inputs, in) && !in_list(g, g->outputs, in) && ps->child[in] < 0 && ps->parent[out] < 0;
}

/* The input tensor node n's output `out` may overlap, or -1: the one the kernel named, or for
 * HIL_ALIAS_ANY_INPUT the first input of the output's size that can be. */
static int32_t alias_partner(hil_graph *g, const plan_state *ps, uint32_t n, int32_t out)
{
    const hil_node *node = &g->nodes[n];
    if (node->alias_input != HIL_ALIAS_ANY_INPUT)
        return can_alias(g, ps, n, node->alias_input, out) ? node->alias_input : -1;
    for (unsigned i = 0; i < node->inputs.len; i++) {
        int32_t in = hil_fb_vec_i32(&g->fb, node->inputs, i);
        if (in >= 0 && (in += (int32_t)node->tensor_base) < (int32_t)g->n_model_tensors &&
            ps->t[in]->bytes == ps->t[out]->bytes && can_alias(g, ps, n, in, out))
            return in;
    }
    return -1;
}

/* Records each node's alias request that can be honoured. */
static void collect_aliases(hil_graph *g, plan_state *ps)
{
    for (uint32_t i = 0; i < g->n_tensors; i++)
        ps->child[i] = ps->parent[i] = -1;
#ifndef HIL_DEBUG_TENSORS
    for (uint32_t n = 0; n < g->n_nodes; n++) {
        const hil_node *node = &g->nodes[n];
        if (node->alias_input == -1 || node->outputs.len != 1)
            continue;
        int32_t out = hil_fb_vec_i32(&g->fb, node->outputs, 0);
        if (out < 0 || (uint32_t)(out += (int32_t)node->tensor_base) >= g->n_model_tensors)
            continue;
        int32_t in = alias_partner(g, ps, n, out);
        if (in < 0)
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

static int64_t offset_of(const plan_state *ps, uint32_t i) { return (int64_t)ps->off[i] - ORIGIN; }

/* Whether `t` (index ti) fits at offset o beside every placed tensor alive with it. */
static int fits(hil_graph *g, const plan_state *ps, uint32_t placed, uint32_t ti, int64_t o)
{
    const hil_tensor *t = ps->t[ti];
    for (uint32_t k = 0; k < placed; k++) {
        const hil_tensor *p = ps->t[ps->order[k]];
        int64_t po = offset_of(ps, ps->order[k]);
        if (overlaps_in_time(p, t) && o < po + p->bytes && po < o + t->bytes && !may_share(ps, ps->order[k], po, ti, o))
            return 0;
    }
    return 1;
}

/* Lowest offset from `lowest` where `t` fits beside every placed tensor alive with it. */
static int64_t first_fit(hil_graph *g, const plan_state *ps, uint32_t placed, uint32_t ti, int64_t lowest)
{
    const hil_tensor *t = ps->t[ti];
    int64_t offset = lowest;
    for (int moved = 1; moved;) {
        moved = 0;
        for (uint32_t k = 0; k < placed; k++) {
            const hil_tensor *p = ps->t[ps->order[k]];
            int64_t po = offset_of(ps, ps->order[k]);
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
        int64_t d = preferred_displacement(ps->t[in], ps->t[out], ps->limit[in], ps->align);
        int64_t o = as_output ? offset_of(ps, partner) + d : offset_of(ps, partner) - d;
        if (fits(g, ps, placed, ti, o))
            return o;
    }
    return INT64_MIN;
}

static int64_t span_with(int64_t o, uint32_t bytes, int64_t lowest, int64_t highest)
{
    return (o + bytes > highest ? o + bytes : highest) - (o < lowest ? o : lowest);
}

/* Where tensor ti goes among the `placed` ones: next to an alias partner when that keeps the plan
 * at least as compact as the first fit. */
static int64_t choose(hil_graph *g, plan_state *ps, uint32_t placed, uint32_t ti, int64_t lowest, int64_t highest)
{
    const hil_tensor *t = ps->t[ti];
    int64_t o = first_fit(g, ps, placed, ti, lowest);
    int64_t a = alias_candidate(g, ps, placed, ti);
    if (a != INT64_MIN && span_with(a, t->bytes, lowest, highest) <= span_with(o, t->bytes, lowest, highest))
        o = a;
    return o;
}

/* Lowest offset from `lowest` where tensor ti fits and its unplaced alias output `out` fits at
 * displacement d from it: room for a window operator's output that must start before its input
 * (d < 0), which the first fit of ti alone may not leave (a tensor alive at the node just below). */
static int64_t first_fit_pair(hil_graph *g, const plan_state *ps, uint32_t placed, uint32_t ti, uint32_t out, int64_t d,
                              int64_t lowest)
{
    for (int64_t o = lowest;;) {
        o = first_fit(g, ps, placed, ti, o);
        int64_t c = first_fit(g, ps, placed, out, o + d);
        if (c == o + d)
            return o;
        o = c - d; /* moves up: c > o + d */
    }
}

static void commit(hil_graph *g, plan_state *ps, uint32_t n_placed, uint32_t ti, int64_t o, int64_t *lowest,
                   int64_t *highest)
{
    const hil_tensor *t = ps->t[ti];
    ps->off[ti] = (uint32_t)(o + ORIGIN);
    *lowest = o < *lowest ? o : *lowest;
    *highest = o + t->bytes > *highest ? o + t->bytes : *highest;
    ps->placed[ti] = 1;
    ps->order[n_placed] = ti;
}

/* Places tensor ti (choose), or, when its alias output is still to place, where the two together
 * leave the plan smaller: ti where choose puts it and the output where choose would put it next,
 * or the pair at the displacement that overlaps them most (first_fit_pair). */
static void place(hil_graph *g, plan_state *ps, uint32_t *n_placed, uint32_t ti, int64_t *lowest, int64_t *highest)
{
    int64_t o = choose(g, ps, *n_placed, ti, *lowest, *highest);
    int32_t out = ps->child[ti];
    if (out >= 0 && !ps->placed[out]) {
        const hil_tensor *t = ps->t[ti], *c = ps->t[out];
        int64_t d = preferred_displacement(t, c, ps->limit[ti], ps->align);
        int64_t pair = first_fit_pair(g, ps, *n_placed, ti, (uint32_t)out, d, *lowest);
        if (pair != o) {
            int64_t lo = *lowest, hi = *highest; /* ti at o, then the output where choose puts it */
            commit(g, ps, *n_placed, ti, o, &lo, &hi);
            int64_t co = choose(g, ps, *n_placed + 1, (uint32_t)out, lo, hi);
            int64_t span_apart = span_with(co, c->bytes, lo, hi);
            ps->placed[ti] = 0;
            lo = *lowest, hi = *highest;
            lo = pair + d < lo ? pair + d : lo;
            hi = pair + d + c->bytes > hi ? pair + d + c->bytes : hi;
            if (span_with(pair, t->bytes, lo, hi) < span_apart)
                o = pair;
        }
    }
    commit(g, ps, *n_placed, ti, o, lowest, highest);
    (*n_placed)++;
}

static int too_small(hil_graph *g)
{
    g->msg[0] = '\0';
    strncat(g->msg, "tensor arena too small for this model: rebuild with a larger HIL_ARENA_BYTES", g->msg_cap - 1);
    return HIL_ERR_ARENA_TOO_SMALL;
}

/* The planning state at the bottom of the arena, or 0 when the arena cannot hold it. */
static int init_state(hil_graph *g, plan_state *ps)
{
    const uint32_t nt = g->n_tensors;
    if ((uint64_t)nt * (sizeof(hil_tensor *) + 4u * PLAN_WORDS) > g->persistent_start)
        return 0;
    ps->t = (hil_tensor **)(void *)g->arena; /* the arena is 16-byte aligned */
    int32_t *w = (int32_t *)(void *)(ps->t + nt);
    ps->off = (uint32_t *)w, ps->order = (uint32_t *)(w + nt), ps->child = w + 2 * nt, ps->limit = w + 3 * nt;
    ps->parent = w + 4 * nt, ps->placed = w + 5 * nt, ps->by_size = (uint32_t *)(w + 6 * nt);
    ps->stack = (uint32_t *)(w + 7 * nt);
    ps->align = g->plan_flags & HIL_PLAN_UNALIGNED ? 1u : PLAN_ALIGN;
    uint32_t i = 0;
    for (; i < g->n_model_tensors; i++)
        ps->t[i] = &g->tensors[i];
    for (uint32_t n = 0; n < g->n_nodes && i < nt; n++)
        if (g->nodes[n].scratch)
            ps->t[i++] = g->nodes[n].scratch;
    return 1;
}

/* The order tensors are placed in: largest first, or (weighted) largest bytes x nodes alive first,
 * which packs some graphs better (a residual block's long-lived input). */
static uint64_t weight(const hil_tensor *t, int weighted)
{
    return weighted ? (uint64_t)t->bytes * (uint64_t)(t->last_use - t->first_use + 1) : t->bytes;
}

/* The planned tensors in placing order (insertion sort: stable, few tensors). */
static uint32_t sort_tensors(hil_graph *g, plan_state *ps, int weighted)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < g->n_tensors; i++) {
        ps->placed[i] = 0;
        if (!ps->t[i]->is_planned)
            continue;
        uint32_t j = n++;
        while (j > 0 && weight(ps->t[ps->by_size[j - 1]], weighted) < weight(ps->t[i], weighted)) {
            ps->by_size[j] = ps->by_size[j - 1];
            j--;
        }
        ps->by_size[j] = i;
    }
    return n;
}

/* One greedy pass in the given order: the span of the plan (offsets in ps->off), or -1. */
static int64_t greedy(hil_graph *g, plan_state *ps, int weighted, uint32_t *n_placed, int64_t *lowest)
{
    const uint32_t nt = g->n_tensors, n = sort_tensors(g, ps, weighted);
    /* After each tensor, its chain of alias partners, so that a chain is laid out around the
     * large tensor that starts it. */
    int64_t highest = 0;
    *lowest = 0;
    *n_placed = 0;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t depth = 0;
        ps->stack[depth++] = ps->by_size[k];
        while (depth) {
            uint32_t ti = ps->stack[--depth];
            if (ps->placed[ti])
                continue;
            place(g, ps, n_placed, ti, lowest, &highest);
            if (*lowest < -(int64_t)ORIGIN || highest > (int64_t)ORIGIN)
                return -1;
            if (ps->child[ti] >= 0 && !ps->placed[ps->child[ti]] && depth < nt)
                ps->stack[depth++] = (uint32_t)ps->child[ti];
            if (ps->parent[ti] >= 0 && !ps->placed[ps->parent[ti]] && depth < nt)
                ps->stack[depth++] = (uint32_t)ps->parent[ti];
        }
    }
    return (int64_t)align_up((uint32_t)(highest - *lowest), ps->align);
}

int hil_graph_plan(hil_graph *g)
{
    plan_state ps;
    if (!init_state(g, &ps))
        return too_small(g);
    compute_lifetimes(g, &ps);
    collect_aliases(g, &ps);
    /* Greedy placement is a heuristic: two orders, the smaller plan kept (planned again if it
     * was the first, as the second pass overwrote the offsets). */
    uint32_t n_placed;
    int64_t lowest;
    int64_t by_size = greedy(g, &ps, 0, &n_placed, &lowest);
    int64_t by_weight = greedy(g, &ps, 1, &n_placed, &lowest);
    int64_t span = by_weight;
    if (by_size >= 0 && (by_weight < 0 || by_size < by_weight))
        span = greedy(g, &ps, 0, &n_placed, &lowest);
    if (span < 0 || span > g->persistent_start)
        return too_small(g);
    g->planned_bytes = (uint32_t)span;
    for (uint32_t k = 0; k < n_placed; k++) /* the lowest offset becomes 0 */
        ps.t[ps.order[k]]->data = g->arena + (offset_of(&ps, ps.order[k]) - lowest);
    /* Host builds: a kernel writing past the highest tensor now hits poisoned memory. */
    HIL_POISON(g->arena + g->planned_bytes, g->persistent_start - g->planned_bytes);
    return HIL_OK;
}
