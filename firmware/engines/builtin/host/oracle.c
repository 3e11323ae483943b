/* The built-in engine's load step on the host: the oracle the harness asks before it builds
 * anything (hil/engines/oracle.py). It is the engine's own fb reader, graph load, kernel
 * prepares and planner, compiled as a 32-bit program (ILP32 with 8-byte aligned 64-bit members,
 * the layout of the Cortex-M build), so its answer and its arena figures are the firmware's.
 *
 *   hil_oracle MODEL.tflite ARENA_BYTES OPT
 *
 * ARENA_BYTES is the board's HIL_ARENA_BYTES; OPT is 1 when the core has the DSP extension (the
 * optimized paths request their own scratch). Prints two lines:
 *   STATUS ARENA_USED ARENA_NEEDED
 *   the engine's one-line message (empty when the model loads)
 * STATUS is the load's hil_error with the board's arena; ARENA_USED what the firmware reports
 * in READY (plan + persistent data) and ARENA_NEEDED the smallest arena, in multiples of 16
 * bytes, in which the model loads; both 0 when the model does not load in any arena.
 * A plain model that loads gets a third line, what its ARENA_USED is made of (the parts sum to
 * it): name=bytes pairs, see arena_breakdown(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"
#include "pipeline.h"
#include "simd.h"

#define MAX_ARENA (512u << 20)
#define MSG_CAP 4096

static uint8_t *read_model(const char *path, uint32_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = n >= 0 ? aligned_alloc(16, ((size_t)n + 16) & ~(size_t)15) : NULL; /* as in flash */
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = (uint32_t)n;
    return buf;
}

static int load(hil_pipeline *g, const uint8_t *model, uint32_t size, uint8_t *arena, uint32_t arena_size, char *msg)
{
    return hil_pipeline_load(g, model, size, arena + MAX_ARENA - arena_size, arena_size, msg, MSG_CAP);
}

/* The smallest arena (a multiple of 16) in which the model loads, or 0. */
static uint32_t arena_needed(const uint8_t *model, uint32_t size, uint8_t *arena)
{
    static hil_pipeline g;
    static char msg[MSG_CAP];
    if (load(&g, model, size, arena, MAX_ARENA, msg) != HIL_OK)
        return 0;
    uint32_t lo = 0, hi = MAX_ARENA / 16u; /* loads with hi * 16 bytes, not with lo * 16 */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2u;
        if (load(&g, model, size, arena, mid * 16u, msg) == HIL_OK)
            hi = mid;
        else
            lo = mid;
    }
    return hi * 16u;
}

static uint32_t plan_with(hil_graph *g, uint8_t flags)
{
    g->plan_flags = flags;
    hil_graph_plan(g);
    return g->planned_bytes;
}

/* The arena of a loaded plain model in parts that sum to its ARENA_USED. The plan's parts are
 * measured by planning again without one cost at a time (the greedy planner is not additive, so
 * a part is what adding that cost changed): tensors (activations with their own lifetimes, no
 * alignment), alignment (16-byte offsets, plus the persistent allocations' 8-byte rounding),
 * input_kept_alive (the graph inputs held through the whole invoke, so a repeated invoke sees
 * them), scratch (the kernels' scratch buffers); then the persistent data by what it holds. */
static void arena_breakdown(hil_graph *g)
{
    uint32_t bare = plan_with(g, HIL_PLAN_NO_SCRATCH | HIL_PLAN_NO_INPUT_KEPT | HIL_PLAN_UNALIGNED);
    uint32_t aligned = plan_with(g, HIL_PLAN_NO_SCRATCH | HIL_PLAN_NO_INPUT_KEPT);
    uint32_t kept = plan_with(g, HIL_PLAN_NO_SCRATCH);
    uint32_t full = plan_with(g, 0);
    const uint32_t *part = g->persistent_parts;
    printf("tensors=%d alignment=%d input_kept_alive=%d scratch=%d subgraph_table=%u tensor_table=%u node_table=%u "
           "state=%u kernel_data=%u\n",
           (int)bare, (int)(aligned - bare + g->persistent_padding), (int)(kept - aligned), (int)(full - kept),
           part[HIL_PART_SUBGRAPHS], part[HIL_PART_TENSORS], part[HIL_PART_NODES], part[HIL_PART_STATE],
           part[HIL_PART_KERNELS]);
}

static void one_line(char *msg)
{
    for (char *c = msg; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s MODEL.tflite ARENA_BYTES OPT\n", argv[0]);
        return 2;
    }
    uint32_t size = 0;
    uint8_t *model = read_model(argv[1], &size);
    unsigned long board_arena = strtoul(argv[2], NULL, 0);
    uint8_t *arena = aligned_alloc(16, MAX_ARENA); /* untouched pages cost nothing */
    if (!model || !arena || board_arena > MAX_ARENA) {
        fprintf(stderr, "cannot read %s or allocate the arena\n", argv[1]);
        return 2;
    }
    hil_opt_enabled = atoi(argv[3]) != 0;
    static hil_pipeline g;
    static char msg[MSG_CAP];
    int status = load(&g, model, size, arena, (uint32_t)board_arena, msg);
    uint32_t used = status == HIL_OK ? hil_pipeline_arena_used(&g) : 0;
    uint32_t needed = status == HIL_OK || status == HIL_ERR_ARENA_TOO_SMALL ? arena_needed(model, size, arena) : 0;
    if (status == HIL_ERR_ARENA_TOO_SMALL && needed) { /* what the firmware would report with room */
        static char ok_msg[MSG_CAP];
        load(&g, model, size, arena, needed, ok_msg);
        used = hil_pipeline_arena_used(&g);
    }
    one_line(msg);
    printf("%d %u %u\n%s\n", status, used, needed, msg);
    if (used && load(&g, model, size, arena, needed, msg) == HIL_OK && !g.container) /* arena_needed reused it */
        arena_breakdown(&g.stages[0].graph);
    free(model);
    free(arena);
    return 0;
}
