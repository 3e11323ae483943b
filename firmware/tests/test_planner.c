/* The arena planner on hand-built graphs (no model file): tensors alive at the same node never
 * share a byte unless a kernel allowed the alias, every offset is 16-byte aligned, and a plan
 * larger than the arena is refused with the one-line arena message. */
#include <stdint.h>
#include <string.h>

#include "graph.h"
#include "hil_asan.h"
#include "hil_protocol.h"
#include "hil_test.h"

enum { MAX_TENSORS = 8, MAX_NODES = 4, ARENA_BYTES = 4096 };

/* A graph of chained single-input single-output nodes: node n reads tensor chain[n] and writes
 * chain[n + 1]; the int32 index lists live in a small flatbuffer-style byte array. */
typedef struct {
    hil_graph g;
    hil_subgraph main; /* the one subgraph: every tensor and node */
    hil_tensor tensors[MAX_TENSORS];
    hil_node nodes[MAX_NODES];
    uint8_t lists[4 * 2 * (MAX_NODES + 1)];
    uint8_t arena[ARENA_BYTES];
    char msg[128];
} fixture;

static hil_fb_vec one_index(fixture *f, uint32_t slot, int32_t tensor)
{
    memcpy(f->lists + 4 * slot, &tensor, 4);
    hil_fb_vec v = {4 * slot, 1};
    return v;
}

static void build_chain(fixture *f, const uint32_t *bytes, uint32_t n_tensors, const int32_t *chain,
                        uint32_t n_nodes, uint32_t persistent_start)
{
    memset(f, 0, sizeof *f);
    for (uint32_t i = 0; i < n_tensors; i++) {
        f->tensors[i].type = HIL_INT8;
        f->tensors[i].bytes = bytes[i];
    }
    for (uint32_t n = 0; n < n_nodes; n++) {
        f->nodes[n].index = n;
        f->nodes[n].inputs = one_index(f, 2 * n, chain[n]);
        f->nodes[n].outputs = one_index(f, 2 * n + 1, chain[n + 1]);
        f->nodes[n].alias_input = -1;
        f->nodes[n].scratch = NULL;
    }
    hil_fb_init(&f->g.fb, f->lists, sizeof f->lists);
    f->g.tensors = f->tensors;
    f->g.n_tensors = f->g.n_model_tensors = n_tensors;
    f->g.nodes = f->nodes;
    f->g.n_nodes = f->g.n_main_nodes = n_nodes;
    f->main.n_nodes = n_nodes;
    f->main.n_tensors = n_tensors;
    f->g.subgraphs = &f->main;
    f->g.n_subgraphs = 1;
    f->g.inputs = one_index(f, 2 * MAX_NODES, chain[0]);
    f->g.outputs = one_index(f, 2 * MAX_NODES + 1, chain[n_nodes]);
    f->g.arena = f->arena;
    f->g.arena_size = ARENA_BYTES;
    f->g.persistent_start = persistent_start;
    f->g.msg = f->msg;
    f->g.msg_cap = sizeof f->msg;
}

static int plan(fixture *f)
{
    int status = hil_graph_plan(&f->g);
    HIL_UNPOISON(f->arena, sizeof f->arena); /* the planner poisons the unplanned gap */
    return status;
}

/* Where the planner put tensor t in the arena. */
static uint32_t offset(const fixture *f, const hil_tensor *t) { return (uint32_t)(t->data - f->arena); }

static int alive_together(const hil_tensor *a, const hil_tensor *b)
{
    return a->first_use <= b->last_use && b->first_use <= a->last_use;
}

/* Tensors alive at the same node overlap only as the alias pair (alias_in, alias_out). */
static void check_no_shared_bytes(const fixture *f, int32_t alias_in, int32_t alias_out)
{
    for (uint32_t i = 0; i < f->g.n_tensors; i++) {
        for (uint32_t j = i + 1; j < f->g.n_tensors; j++) {
            const hil_tensor *a = &f->tensors[i], *b = &f->tensors[j];
            int pair = ((int32_t)i == alias_in && (int32_t)j == alias_out) ||
                       ((int32_t)j == alias_in && (int32_t)i == alias_out);
            if (pair || !alive_together(a, b))
                continue;
            int shared = a->data < b->data + b->bytes && b->data < a->data + a->bytes;
            if (shared)
                fprintf(stderr, "tensors %u [%u, +%u) and %u [%u, +%u) are alive together and share bytes\n", i,
                        offset(f, a), a->bytes, j, offset(f, b), b->bytes);
            CHECK(!shared);
        }
    }
}

static void check_aligned_and_inside_the_plan(const fixture *f)
{
    for (uint32_t i = 0; i < f->g.n_tensors; i++) {
        const hil_tensor *t = &f->tensors[i];
        CHECK(t->is_planned);
        CHECK(t->data >= f->arena);
        CHECK_EQ_INT(offset(f, t) % 16u, 0);
        CHECK(offset(f, t) + t->bytes <= f->g.planned_bytes);
    }
}

static void test_chain_tensors_alive_together_get_disjoint_aligned_memory(void)
{
    static fixture f;
    /* t0 -> node 0 -> t1 -> node 1 -> t2: t0 (the graph input) lives throughout, t1 dies at
     * node 1 where t2 is born, so t2 may reuse nothing that t0 or t1 holds. Sizes not multiples
     * of 16, so packing without alignment would give unaligned offsets. */
    const uint32_t bytes[] = {40, 24, 20};
    const int32_t chain[] = {0, 1, 2};
    build_chain(&f, bytes, 3, chain, 2, ARENA_BYTES);
    CHECK_EQ_INT(plan(&f), HIL_OK);
    CHECK_EQ_INT(f.tensors[0].first_use, 0);
    CHECK_EQ_INT(f.tensors[0].last_use, 1);
    CHECK_EQ_INT(f.tensors[1].last_use, 1);
    check_aligned_and_inside_the_plan(&f);
    check_no_shared_bytes(&f, -1, -1);
    CHECK_EQ_INT(f.g.planned_bytes, 48 + 32 + 32); /* three tensors alive at node 1, each aligned */
}

static void test_the_breakdown_variants_leave_out_one_cost_each(void)
{
    static fixture f;
    /* The chain of the first test, planned as the oracle's arena breakdown plans it. Without the
     * input kept alive, t0 dies at node 0 and t2 takes its place; without alignment, the sizes
     * pack exactly; the real plan (flags 0) afterwards is the same as before the variants. */
    const uint32_t bytes[] = {40, 24, 20};
    const int32_t chain[] = {0, 1, 2};
    build_chain(&f, bytes, 3, chain, 2, ARENA_BYTES);
    f.g.plan_flags = HIL_PLAN_NO_INPUT_KEPT;
    CHECK_EQ_INT(plan(&f), HIL_OK);
    CHECK_EQ_INT(f.tensors[0].last_use, 0);
    check_no_shared_bytes(&f, -1, -1);
    CHECK_EQ_INT(f.g.planned_bytes, 48 + 32);
    f.g.plan_flags = HIL_PLAN_NO_INPUT_KEPT | HIL_PLAN_UNALIGNED;
    CHECK_EQ_INT(plan(&f), HIL_OK);
    check_no_shared_bytes(&f, -1, -1);
    CHECK_EQ_INT(f.g.planned_bytes, 40 + 24);
    f.g.plan_flags = 0;
    CHECK_EQ_INT(plan(&f), HIL_OK);
    check_aligned_and_inside_the_plan(&f);
    CHECK_EQ_INT(f.g.planned_bytes, 48 + 32 + 32);
}

static void test_a_tensor_born_later_reuses_memory_of_one_that_died(void)
{
    static fixture f;
    /* t0 -> t1 -> t2 -> t3 with the graph input t0 small: t1 dies at node 1, so t3 (born at
     * node 2) can take t1's place; the plan is smaller than the sum of the sizes. */
    const uint32_t bytes[] = {16, 64, 64, 64};
    const int32_t chain[] = {0, 1, 2, 3};
    build_chain(&f, bytes, 4, chain, 3, ARENA_BYTES);
    CHECK_EQ_INT(plan(&f), HIL_OK);
    check_aligned_and_inside_the_plan(&f);
    check_no_shared_bytes(&f, -1, -1);
    CHECK_EQ_INT(f.g.planned_bytes, 16 + 64 + 64);
}

static void test_an_allowed_alias_never_overlaps_a_third_tensor(void)
{
    static fixture f;
    /* Tensor indices: A 0 (graph input, alive throughout), D 1, B 2, C 3; nodes A -> B -> C -> D,
     * and node 1 allows C to overlap B. Planned largest first: A at 0, D at 48, B at 48 (it is
     * not alive with D), then C next to B at B + 16 (as much overlap as the sizes allow), where
     * it would share D's last byte: C must go elsewhere. */
    const uint32_t bytes[] = {40, 17, 17, 1};
    const int32_t chain[] = {0, 2, 3, 1};
    build_chain(&f, bytes, 4, chain, 3, ARENA_BYTES);
    f.nodes[1].alias_input = 2;
    f.nodes[1].alias_limit = 1000;
    CHECK_EQ_INT(plan(&f), HIL_OK);
    check_aligned_and_inside_the_plan(&f);
    check_no_shared_bytes(&f, 2, 3);
}

static void test_an_output_that_must_start_before_its_input_gets_room_below_it(void)
{
    static fixture f;
    /* t0 (graph input, alive throughout) -> t1 -> t2, node 1 lets t2 start 32 bytes or more
     * before t1 (a 3x3 convolution in place). First fit puts t1 right above t0, where t2 has no
     * room below it: t1 goes 32 bytes higher and t2 under it, 160 bytes instead of 192. */
    const uint32_t bytes[] = {64, 64, 64};
    const int32_t chain[] = {0, 1, 2};
    build_chain(&f, bytes, 3, chain, 2, ARENA_BYTES);
    f.nodes[1].alias_input = 1;
    f.nodes[1].alias_limit = -32;
    CHECK_EQ_INT(plan(&f), HIL_OK);
    check_aligned_and_inside_the_plan(&f);
    check_no_shared_bytes(&f, 1, 2);
    CHECK(f.tensors[2].data - f.tensors[1].data <= -32);
    CHECK_EQ_INT(f.g.planned_bytes, 160);
}

static void test_an_element_wise_output_takes_the_place_of_an_input_of_its_size(void)
{
    static fixture f;
    /* hil_allow_alias_any at node 1: t2 may take t1's place when they have the same size. */
    const uint32_t same[] = {64, 64, 64}, other[] = {64, 48, 64};
    const int32_t chain[] = {0, 1, 2};
    build_chain(&f, same, 3, chain, 2, ARENA_BYTES);
    hil_allow_alias_any(&f.nodes[1]);
    CHECK_EQ_INT(plan(&f), HIL_OK);
    check_no_shared_bytes(&f, 1, 2);
    CHECK(f.tensors[2].data == f.tensors[1].data);
    CHECK_EQ_INT(f.g.planned_bytes, 128);
    build_chain(&f, other, 3, chain, 2, ARENA_BYTES);
    hil_allow_alias_any(&f.nodes[1]);
    CHECK_EQ_INT(plan(&f), HIL_OK);
    check_no_shared_bytes(&f, -1, -1);
    CHECK_EQ_INT(f.g.planned_bytes, 64 + 48 + 64);
}

static void test_a_plan_larger_than_the_arena_is_refused(void)
{
    static fixture f;
    const uint32_t bytes[] = {200, 200};
    const int32_t chain[] = {0, 1};
    build_chain(&f, bytes, 2, chain, 1, 400); /* the plan needs 208 + 200 bytes */
    CHECK_EQ_INT(plan(&f), HIL_ERR_ARENA_TOO_SMALL);
    CHECK(strstr(f.msg, "tensor arena too small") != NULL);
    build_chain(&f, bytes, 2, chain, 1, 416);
    CHECK_EQ_INT(plan(&f), HIL_OK);
    CHECK_EQ_INT(f.g.planned_bytes, 416);
}

int main(void)
{
    test_chain_tensors_alive_together_get_disjoint_aligned_memory();
    test_a_tensor_born_later_reuses_memory_of_one_that_died();
    test_the_breakdown_variants_leave_out_one_cost_each();
    test_an_allowed_alias_never_overlaps_a_third_tensor();
    test_an_output_that_must_start_before_its_input_gets_room_below_it();
    test_an_element_wise_output_takes_the_place_of_an_input_of_its_size();
    test_a_plan_larger_than_the_arena_is_refused();
    TEST_MAIN_END();
}
