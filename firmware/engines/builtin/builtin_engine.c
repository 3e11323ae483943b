/* The built-in engine behind the agent's engine interface. */
#include <string.h>

#include "debug_tensors.h"
#include "graph.h"
#include "hil_engine.h"
#include "hil_port.h"
#include "hil_protocol.h"

#ifndef HIL_ARENA_BYTES
#define HIL_ARENA_BYTES (256u * 1024u)
#endif

static uint8_t arena[HIL_ARENA_BYTES] __attribute__((aligned(16)));
static hil_graph graph;
static int loaded;

static int engine_load(const uint8_t *model, uint32_t size, char *msg, size_t msg_cap)
{
    int status = hil_graph_load(&graph, model, size, arena, sizeof arena, msg, msg_cap);
    loaded = status == HIL_OK;
    return status;
}

static uint32_t engine_arena_size(void) { return sizeof arena; }

static uint32_t engine_arena_used(void)
{
    return graph.planned_bytes + (graph.arena_size - graph.persistent_start);
}

static unsigned engine_num_inputs(void) { return loaded ? graph.inputs.len : 0; }
static unsigned engine_num_outputs(void) { return loaded ? graph.outputs.len : 0; }

static int describe(hil_fb_vec list, unsigned index, hil_tensor_spec *spec)
{
    if (!loaded || index >= list.len)
        return HIL_ERR_BAD_INDEX;
    const hil_tensor *t = &graph.tensors[hil_fb_vec_i32(&graph.fb, list, index)];
    memset(spec, 0, sizeof *spec);
    spec->dtype = t->type;
    spec->ndim = t->ndim;
    memcpy(spec->dims, t->dims, sizeof spec->dims);
    spec->scale = t->scale;
    spec->zero_point = t->zero_point;
    spec->bytes = t->bytes;
    spec->data = t->data;
    return HIL_OK;
}

static int engine_input(unsigned index, hil_tensor_spec *spec) { return describe(graph.inputs, index, spec); }
static int engine_output(unsigned index, hil_tensor_spec *spec) { return describe(graph.outputs, index, spec); }

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
static void break_output(hil_node *node)
{
    if (node->opcode != (uint32_t)(HIL_TEST_BREAK_OPCODE))
        return;
    hil_tensor *out = hil_node_output(&graph, node, 0);
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
static void break_output(hil_node *node) { (void)node; }
#endif

static int engine_invoke(char *msg, size_t msg_cap)
{
    if (!loaded)
        return HIL_ERR_NO_MODEL;
    graph.msg = msg;
    graph.msg_cap = msg_cap;
    for (uint32_t i = 0; i < graph.n_main_nodes; i++) { /* subgraph 0: the others run from CALL_ONCE */
        hil_node *node = &graph.nodes[i];
        uint64_t start = hil_counter_read();
        int status = node->kernel->eval(&graph, node);
        slow_down(node);
        break_output(node);
        node->ticks = hil_counter_read() - start;
        if (status != HIL_OK)
            return hil_reject(&graph, node, status, "evaluation failed");
    }
    return HIL_OK;
}

static unsigned engine_num_ops(void) { return loaded ? graph.n_main_nodes : 0; }

static int engine_op_profile(unsigned op_index, hil_op_profile *out)
{
    if (!loaded || op_index >= graph.n_main_nodes)
        return HIL_ERR_BAD_INDEX;
    out->op_index = (uint16_t)op_index;
    out->opcode = (uint16_t)graph.nodes[op_index].opcode;
    out->ticks = graph.nodes[op_index].ticks;
    return HIL_OK;
}

static unsigned engine_num_tensors(uint16_t *list_flags)
{
    return loaded ? hil_debug_num_tensors(&graph, list_flags) : 0;
}

static int engine_tensor_info(unsigned index, hil_tensor_info *out)
{
    return loaded ? hil_debug_tensor_info(&graph, index, out) : HIL_ERR_NO_MODEL;
}

static int engine_has_state(void) { return loaded && graph.has_state; }

static int engine_reset_state(char *msg, size_t msg_cap)
{
    if (!loaded)
        return HIL_ERR_NO_MODEL;
    hil_graph_reset(&graph);
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
