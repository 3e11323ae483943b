/* Several models run in sequence on the target, the intermediate tensors staying there: a
 * pipeline of stages, each a model (its own graph), stage k's outputs feeding stage k+1's inputs.
 * A stage may run several times per pipeline run (a frontend over 49 audio windows feeding one
 * keyword model): its inputs are consecutive slices of what feeds it, its outputs stack up.
 *
 * The firmware embeds the stages in one container (docs/pipelines.md), little-endian:
 *     "HILP", u32 version (1), u32 stages, u32 0,
 *     stages x {u32 offset, u32 size, u32 invokes, u32 0}   (offsets 16-aligned, from the start)
 *     the .tflite of each stage
 * A plain .tflite is a pipeline of one stage, run exactly as before (no copies, same arena).
 *
 * Memory: every stage plans its activations from the bottom of the arena (a stage's are dead
 * once its outputs are copied out), its persistent data below the previous stage's; the
 * pipeline's input and each stage's stacked outputs are persistent buffers. The pipeline's inputs
 * are stage 0's (with a leading dimension of its invokes when > 1), its outputs every stage's
 * outputs in stage order (likewise), so the host checks each stage. */
#ifndef HIL_PIPELINE_H
#define HIL_PIPELINE_H
#include "graph.h"

#ifdef HIL_MODEL_OPS
#include "hil_model_ops.h" /* HIL_PIPELINE_STAGES: the stage count of this firmware's model */
#endif
#ifndef HIL_PIPELINE_STAGES
#define HIL_PIPELINE_STAGES 4 /* builds for any model (host tests, the oracle) */
#endif
#define HIL_PIPELINE_MAGIC 0x504C4948u /* "HILP", little-endian */
#define HIL_PIPELINE_MAX_IO 16u

typedef struct {
    hil_graph graph;
    uint32_t invokes;
    uint32_t in_bytes, out_bytes; /* one invoke's inputs / outputs, concatenated */
    uint8_t *out;                 /* the outputs of every invoke of a run: invokes x out_bytes */
} hil_stage;

typedef struct {
    hil_stage stages[HIL_PIPELINE_STAGES];
    uint32_t n_stages;
    uint8_t container;   /* 0: a plain model, run as before (its own tensors, no copies) */
    uint8_t *in;         /* the pipeline's input: stage 0's inputs for every invoke */
    uint32_t plan_bytes; /* the largest stage plan */
    uint32_t arena_size, persistent_start;
} hil_pipeline;

/* Loads a container or a plain model. Returns an hil_error with one line in msg. */
int hil_pipeline_load(hil_pipeline *p, const uint8_t *blob, uint32_t size, uint8_t *arena, uint32_t arena_size,
                      char *msg, size_t msg_cap);
uint32_t hil_pipeline_arena_used(const hil_pipeline *p);
unsigned hil_pipeline_num_io(const hil_pipeline *p, int outputs);
int hil_pipeline_io(hil_pipeline *p, int outputs, unsigned index, hil_tensor_spec *spec);
/* One run: every stage its invokes, copying slices in and outputs out. `run_graph` runs one
 * graph's subgraph 0 (the engine's loop, with its profiling); ticks add up over a run's invokes. */
int hil_pipeline_invoke(hil_pipeline *p, int (*run_graph)(hil_graph *g, int accumulate)); /* stages > 1 */
/* The pipeline's operators: stage 0's, then stage 1's, ... */
hil_node *hil_pipeline_node(hil_pipeline *p, unsigned index);
unsigned hil_pipeline_num_ops(const hil_pipeline *p);

#endif
