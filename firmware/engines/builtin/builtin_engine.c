/* The built-in engine behind the agent's engine interface: one model, or a pipeline of models
 * (pipeline.h) when the firmware embeds a container of them. */
#include <string.h>

#include "debug_tensors.h"
#include "graph.h"
#include "hil_engine.h"
#include "hil_port.h"
#include "hil_protocol.h"
#include "pipeline.h"

#ifndef HIL_ARENA_BYTES
#define HIL_ARENA_BYTES (256u * 1024u)
#endif

static uint8_t arena[HIL_ARENA_BYTES] __attribute__((aligned(16)));
static hil_pipeline pipeline;
#define graph0 (pipeline.stages[0].graph) /* a plain model's, and a pipeline's first stage */
static int loaded;

/* A firmware built for one plain model (HIL_PIPELINE_STAGES 1, from its model_ops header)
 * compiles no pipeline path: its invoke is the loop it always was. */
#if HIL_PIPELINE_STAGES > 1
#define PIPELINE (pipeline.container)
#else
#define PIPELINE 0
#endif

static int engine_load(const uint8_t *model, uint32_t size, char *msg, size_t msg_cap)
{
    int status = hil_pipeline_load(&pipeline, model, size, arena, sizeof arena, msg, msg_cap);
    loaded = status == HIL_OK;
    return status;
}

static uint32_t engine_arena_size(void) { return sizeof arena; }

static uint32_t engine_arena_used(void) { return hil_pipeline_arena_used(&pipeline); }

static unsigned engine_num_inputs(void) { return loaded ? hil_pipeline_num_io(&pipeline, 0) : 0; }
static unsigned engine_num_outputs(void) { return loaded ? hil_pipeline_num_io(&pipeline, 1) : 0; }

static int engine_input(unsigned index, hil_tensor_spec *spec)
{
    return loaded ? hil_pipeline_io(&pipeline, 0, index, spec) : HIL_ERR_BAD_INDEX;
}

static int engine_output(unsigned index, hil_tensor_spec *spec)
{
    return loaded ? hil_pipeline_io(&pipeline, 1, index, spec) : HIL_ERR_BAD_INDEX;
}

#ifdef HIL_TEST_SLOW_OPCODE
/* Test-only defect: burn extra instructions inside every operator with this builtin code,
 * so the cycle-baseline suite can be shown to fail and to name the operator. */
static void slow_down(const hil_node *node)
{
    if (node->opcode == (uint32_t)(HIL_TEST_SLOW_OPCODE))
        for (volatile uint32_t i = 0; i < 2000u; i++)
            ;
}
#else
static void slow_down(const hil_node *node) { (void)node; }
#endif

#ifdef HIL_TEST_BREAK_OPCODE
/* Test-only defect: corrupt the output of every operator with this builtin code after its
 * eval (every third element moves), so the first-divergent-layer analysis can be shown to
 * name that operator and not a later one. */
static void break_output(hil_graph *g, hil_node *node)
{
    if (node->opcode != (uint32_t)(HIL_TEST_BREAK_OPCODE))
        return;
    hil_tensor *out = hil_node_output(g, node, 0);
    uint32_t n = out ? hil_num_elements(out) : 0;
    for (uint32_t i = 0; i < n; i += 3) {
        if (out->type == HIL_INT8) {
            int8_t *v = (int8_t *)out->data + i;
            *v = (int8_t)(*v <= 100 ? *v + 27 : *v - 27);
        } else if (out->type == HIL_FLOAT32) {
            float *v = (float *)(void *)out->data + i;
            *v = *v * 1.25f + 0.125f;
        }
    }
}
#else
static void break_output(hil_graph *g, hil_node *node) { (void)g; (void)node; }
#endif

/* Subgraph 0 of a graph (the others run from CALL_ONCE): a plain model's invoke, or one invoke of
 * a pipeline stage, whose ticks add up over the stage's invokes of a run (accumulate). */
static inline int run_graph(hil_graph *g, int accumulate)
{
    for (uint32_t i = 0; i < g->n_main_nodes; i++) {
        hil_node *node = &g->nodes[i];
        uint64_t start = hil_counter_read();
        int status = node->kernel->eval(g, node);
        slow_down(node);
        break_output(g, node);
        node->ticks = (accumulate ? node->ticks : 0) + (hil_counter_read() - start);
        if (status != HIL_OK)
            return hil_reject(g, node, status, "evaluation failed");
    }
    return HIL_OK;
}

#if HIL_PIPELINE_STAGES > 1
static int pipeline_invoke(char *msg, size_t msg_cap)
{
    for (uint32_t k = 0; k < pipeline.n_stages; k++) {
        pipeline.stages[k].graph.msg = msg;
        pipeline.stages[k].graph.msg_cap = msg_cap;
    }
    return hil_pipeline_invoke(&pipeline, run_graph);
}
#endif

static int engine_invoke(char *msg, size_t msg_cap)
{
    if (!loaded)
        return HIL_ERR_NO_MODEL;
#if HIL_PIPELINE_STAGES > 1
    if (PIPELINE)
        return pipeline_invoke(msg, msg_cap);
#endif
    graph0.msg = msg;
    graph0.msg_cap = msg_cap;
    return run_graph(&graph0, 0);
}

static unsigned engine_num_ops(void) { return loaded ? hil_pipeline_num_ops(&pipeline) : 0; }

static int engine_op_profile(unsigned op_index, hil_op_profile *out)
{
    const hil_node *node = loaded ? hil_pipeline_node(&pipeline, op_index) : 0;
    if (!node)
        return HIL_ERR_BAD_INDEX;
    out->op_index = (uint16_t)op_index;
    out->opcode = (uint16_t)node->opcode;
    out->ticks = node->ticks;
    return HIL_OK;
}

/* Tensor access covers a plain model: a pipeline's stages share their planned memory (its
 * divergence analysis runs the failing stage alone on a debug firmware). */
static unsigned engine_num_tensors(uint16_t *list_flags)
{
    return loaded && !PIPELINE ? hil_debug_num_tensors(&graph0, list_flags) : 0;
}

static int engine_tensor_info(unsigned index, hil_tensor_info *out)
{
    return loaded ? hil_debug_tensor_info(&graph0, index, out) : HIL_ERR_NO_MODEL;
}

static int engine_has_state(void)
{
    for (uint32_t k = 0; loaded && k < pipeline.n_stages; k++)
        if (pipeline.stages[k].graph.has_state)
            return 1;
    return 0;
}

static int engine_reset_state(char *msg, size_t msg_cap)
{
    if (!loaded)
        return HIL_ERR_NO_MODEL;
    for (uint32_t k = 0; k < pipeline.n_stages; k++)
        hil_graph_reset(&pipeline.stages[k].graph);
    return HIL_OK;
}

const hil_engine hil_builtin_engine = {
    .name = "builtin",
    .load = engine_load,
    .arena_size = engine_arena_size,
    .arena_used = engine_arena_used,
    .num_inputs = engine_num_inputs,
    .num_outputs = engine_num_outputs,
    .input = engine_input,
    .output = engine_output,
    .invoke = engine_invoke,
    .num_ops = engine_num_ops,
    .op_profile = engine_op_profile,
    .num_tensors = engine_num_tensors,
    .tensor_info = engine_tensor_info,
    .has_state = engine_has_state,
    .reset_state = engine_reset_state,
};
