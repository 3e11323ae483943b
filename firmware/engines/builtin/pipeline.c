/* Pipelines of models on one target (pipeline.h). */
#include "pipeline.h"

#include <string.h>

#include "hil_asan.h"
#include "hil_protocol.h"

static int fail(char *msg, size_t cap, int code, const char *what)
{
    msg[0] = '\0';
    strncat(msg, what, cap - 1);
    return code;
}

static uint32_t io_count(const hil_graph *g, int outputs) { return outputs ? g->outputs.len : g->inputs.len; }

static hil_tensor *io_tensor(hil_graph *g, int outputs, unsigned i)
{
    return &g->tensors[hil_fb_vec_i32(&g->fb, outputs ? g->outputs : g->inputs, i)];
}

#if HIL_PIPELINE_STAGES > 1
/* "stage K: " before the stage's own one-line message. */
static void prefix_stage(char *msg, size_t cap, uint32_t k)
{
    char head[16] = "stage ";
    head[6] = (char)('0' + k % 10);
    strcpy(head + 7, ": ");
    size_t len = strlen(msg), n = strlen(head);
    if (len + n + 1 > cap)
        len = cap - n - 1;
    memmove(msg + n, msg, len);
    memcpy(msg, head, n);
    msg[n + len] = '\0';
}

static uint32_t io_bytes(hil_graph *g, int outputs)
{
    uint32_t total = 0;
    for (unsigned i = 0; i < io_count(g, outputs); i++)
        total += io_tensor(g, outputs, i)->bytes;
    return total;
}

/* Stage k's inputs take stage k-1's outputs: all of them in order (the same count, types and
 * sizes) when both run once per run, else one tensor each way, of one type, the same bytes per run. */
static int check_link(hil_pipeline *p, uint32_t k, char *msg, size_t cap)
{
    hil_stage *from = &p->stages[k - 1], *to = &p->stages[k];
    uint32_t n_out = io_count(&from->graph, 1), n_in = io_count(&to->graph, 0);
    if ((uint64_t)from->invokes * from->out_bytes != (uint64_t)to->invokes * to->in_bytes)
        return fail(msg, cap, HIL_ERR_MODEL_INVALID, "pipeline: a stage's outputs per run differ in size from the next "
                                                     "stage's inputs per run");
    if (from->invokes == 1 && to->invokes == 1 && n_out == n_in) {
        for (unsigned i = 0; i < n_out; i++) {
            const hil_tensor *a = io_tensor(&from->graph, 1, i), *b = io_tensor(&to->graph, 0, i);
            if (a->type != b->type || a->bytes != b->bytes)
                return fail(msg, cap, HIL_ERR_MODEL_INVALID, "pipeline: a stage's output differs in type or size from "
                                                             "the next stage's input");
        }
        return HIL_OK;
    }
    if (n_out != 1 || n_in != 1 || io_tensor(&from->graph, 1, 0)->type != io_tensor(&to->graph, 0, 0)->type)
        return fail(msg, cap, HIL_ERR_UNSUPPORTED, "pipeline: stages run several times per run need one input and one "
                                                   "output each, of the same type as the stage they feed");
    return HIL_OK;
}

/* The buffers a run keeps (the input, each stage's stacked outputs), below every stage's
 * persistent data; every stage's plan must stay below them. */
static int alloc_buffers(hil_pipeline *p, uint8_t *arena, char *msg, size_t cap)
{
    hil_graph *last = &p->stages[p->n_stages - 1].graph;
    hil_stage *first = &p->stages[0];
    if (first->invokes > 1 && io_count(&first->graph, 0) != 1)
        return fail(msg, cap, HIL_ERR_UNSUPPORTED, "pipeline: a first stage run several times needs one input");
    HIL_UNPOISON(arena, last->persistent_start); /* each stage's load poisoned above its own plan */
    p->in = hil_persistent_alloc(last, (size_t)first->invokes * first->in_bytes);
    for (uint32_t k = 0; k < p->n_stages; k++) {
        hil_stage *s = &p->stages[k];
        if (s->invokes > 1 && io_count(&s->graph, 1) != 1)
            return fail(msg, cap, HIL_ERR_UNSUPPORTED, "pipeline: a stage run several times needs one output");
        s->out = hil_persistent_alloc(last, (size_t)s->invokes * s->out_bytes);
        if (!p->in || !s->out)
            break;
    }
    p->persistent_start = last->persistent_start;
    if (!p->in || !p->stages[p->n_stages - 1].out || p->plan_bytes > p->persistent_start)
        return fail(msg, cap, HIL_ERR_ARENA_TOO_SMALL,
                    "tensor arena too small for this pipeline: rebuild with a larger HIL_ARENA_BYTES");
    HIL_POISON(arena + p->plan_bytes, p->persistent_start - p->plan_bytes);
    return HIL_OK;
}

static int load_stages(hil_pipeline *p, const uint8_t *blob, uint32_t size, uint8_t *arena, char *msg, size_t cap)
{
    uint32_t room = p->arena_size;
    for (uint32_t k = 0; k < p->n_stages; k++) {
        const uint8_t *entry = blob + 16u + 16u * k;
        uint32_t offset = hil_le32(entry), bytes = hil_le32(entry + 4);
        hil_stage *s = &p->stages[k];
        s->invokes = hil_le32(entry + 8);
        if ((offset & 15u) || offset > size || bytes > size - offset || s->invokes == 0 || s->invokes > 0xFFFFu)
            return fail(msg, cap, HIL_ERR_MODEL_INVALID, "pipeline: a stage entry points outside the container");
        int status = hil_graph_load(&s->graph, blob + offset, bytes, arena, room, msg, cap);
        if (status != HIL_OK) {
            prefix_stage(msg, cap, k);
            return status;
        }
        room = s->graph.persistent_start;
        p->plan_bytes = s->graph.planned_bytes > p->plan_bytes ? s->graph.planned_bytes : p->plan_bytes;
        s->in_bytes = io_bytes(&s->graph, 0);
        s->out_bytes = io_bytes(&s->graph, 1);
        if (k > 0 && (status = check_link(p, k, msg, cap)) != HIL_OK) {
            prefix_stage(msg, cap, k);
            return status;
        }
    }
    return alloc_buffers(p, arena, msg, cap);
}

#endif

int hil_pipeline_load(hil_pipeline *p, const uint8_t *blob, uint32_t size, uint8_t *arena, uint32_t arena_size,
                      char *msg, size_t msg_cap)
{
    p->n_stages = 1;
    p->container = 0;
    p->in = 0;
    p->plan_bytes = 0;
    p->arena_size = arena_size;
    p->stages[0].invokes = 1;
    if (size < 16 || hil_le32(blob) != HIL_PIPELINE_MAGIC) /* a plain model */
        return hil_graph_load(&p->stages[0].graph, blob, size, arena, arena_size, msg, msg_cap);
#if HIL_PIPELINE_STAGES == 1
    return fail(msg, msg_cap, HIL_ERR_UNSUPPORTED, "this firmware was built for one model, not a pipeline");
#else
    uint32_t n = hil_le32(blob + 8);
    if (hil_le32(blob + 4) != 1 || n == 0 || size < 16u + 16u * (uint64_t)n)
        return fail(msg, msg_cap, HIL_ERR_MODEL_INVALID, "pipeline container is malformed (version 1 expected)");
    if (n > HIL_PIPELINE_STAGES)
        return fail(msg, msg_cap, HIL_ERR_UNSUPPORTED, "pipeline has more stages than this firmware holds");
    p->n_stages = n;
    p->container = 1;
    return load_stages(p, blob, size, arena, msg, msg_cap);
#endif
}

uint32_t hil_pipeline_arena_used(const hil_pipeline *p)
{
    const hil_graph *g = &p->stages[0].graph;
    if (!p->container)
        return g->planned_bytes + (g->arena_size - g->persistent_start);
    return p->plan_bytes + (p->arena_size - p->persistent_start);
}

/* Input i is stage 0's; output i is the first stage's whose outputs reach past i. */
static hil_stage *locate(hil_pipeline *p, int outputs, unsigned *index)
{
    if (!outputs)
        return &p->stages[0];
    for (uint32_t k = 0; k < p->n_stages; k++) {
        if (*index < io_count(&p->stages[k].graph, 1))
            return &p->stages[k];
        *index -= io_count(&p->stages[k].graph, 1);
    }
    return 0;
}

unsigned hil_pipeline_num_io(const hil_pipeline *p, int outputs)
{
    unsigned n = 0;
    for (uint32_t k = 0; k < (outputs ? p->n_stages : 1u); k++)
        n += io_count(&p->stages[k].graph, outputs);
    return n;
}

int hil_pipeline_io(hil_pipeline *p, int outputs, unsigned index, hil_tensor_spec *spec)
{
    if (HIL_PIPELINE_STAGES == 1 && index >= io_count(&p->stages[0].graph, outputs))
        return HIL_ERR_BAD_INDEX;
    unsigned i = index;
    hil_stage *s = locate(p, outputs, &i);
    if (!s || i >= io_count(&s->graph, outputs))
        return HIL_ERR_BAD_INDEX;
    const hil_tensor *t = io_tensor(&s->graph, outputs, i);
    memset(spec, 0, sizeof *spec);
    spec->dtype = t->type;
    spec->scale = t->scale;
    spec->zero_point = t->zero_point;
    spec->bytes = t->bytes;
    spec->data = t->data;
    spec->ndim = t->ndim;
    memcpy(spec->dims, t->dims, sizeof spec->dims);
    if (HIL_PIPELINE_STAGES == 1 || !p->container)
        return HIL_OK; /* a plain model: its own tensors */
    uint32_t offset = 0;
    for (unsigned j = 0; j < i; j++)
        offset += io_tensor(&s->graph, outputs, j)->bytes;
    spec->data = (outputs ? s->out : p->in) + offset;
    if (s->invokes > 1 && t->ndim < HIL_MAX_DIMS) { /* one slice per invoke */
        memmove(spec->dims + 1, spec->dims, sizeof(int32_t) * t->ndim);
        spec->dims[0] = (int32_t)s->invokes;
        spec->ndim = (uint8_t)(t->ndim + 1);
        spec->bytes *= s->invokes;
    }
    return HIL_OK;
}

#if HIL_PIPELINE_STAGES > 1
static void copy_in(hil_graph *g, const uint8_t *from)
{
    for (unsigned i = 0; i < io_count(g, 0); i++) {
        hil_tensor *t = io_tensor(g, 0, i);
        memcpy(t->data, from, t->bytes);
        from += t->bytes;
    }
}

static void copy_out(hil_graph *g, uint8_t *to)
{
    for (unsigned i = 0; i < io_count(g, 1); i++) {
        const hil_tensor *t = io_tensor(g, 1, i);
        memcpy(to, t->data, t->bytes);
        to += t->bytes;
    }
}

int hil_pipeline_invoke(hil_pipeline *p, int (*run_graph)(hil_graph *g, int accumulate))
{
    for (uint32_t k = 0; k < p->n_stages; k++) {
        hil_stage *s = &p->stages[k];
        const uint8_t *from = k ? p->stages[k - 1].out : p->in;
        for (uint32_t j = 0; j < s->invokes; j++) {
            copy_in(&s->graph, from + j * s->in_bytes);
            int status = run_graph(&s->graph, j > 0);
            if (status != HIL_OK) {
                prefix_stage(s->graph.msg, s->graph.msg_cap, k);
                return status;
            }
            copy_out(&s->graph, s->out + j * s->out_bytes);
        }
    }
    return HIL_OK;
}

#endif

unsigned hil_pipeline_num_ops(const hil_pipeline *p)
{
    unsigned n = 0;
    for (uint32_t k = 0; k < p->n_stages; k++)
        n += p->stages[k].graph.n_main_nodes;
    return n;
}

hil_node *hil_pipeline_node(hil_pipeline *p, unsigned index)
{
    for (uint32_t k = 0; k < p->n_stages; k++) {
        hil_graph *g = &p->stages[k].graph;
        if (index < g->n_main_nodes)
            return &g->nodes[index];
        index -= g->n_main_nodes;
    }
    return 0;
}
