/* The built-in engine's view of a model: tensors and nodes read from the flatbuffer, one arena
 * for activations (planned bottom-up) and persistent data (allocated top-down).
 *
 * A model with several subgraphs (CALL_ONCE's init subgraph) is held flat: every subgraph's
 * tensors and nodes follow subgraph 0's in one table, and a node finds its tensors from its
 * subgraph's first tensor (tensor_base). Subgraph 0 is the one an invoke runs. */
#ifndef HIL_GRAPH_H
#define HIL_GRAPH_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fb_reader.h"
#include "hil_engine.h"

/* TFLite TensorType values used by the kernels. */
enum {
    HIL_FLOAT32 = 0,
    HIL_FLOAT16 = 1,
    HIL_INT32 = 2,
    HIL_UINT8 = 3,
    HIL_INT64 = 4,
    HIL_BOOL = 6,
    HIL_INT16 = 7,
    HIL_INT8 = 9,
    HIL_UINT64 = 12,   /* the signal library's filter bank energies */
    HIL_RESOURCE = 13, /* a resource variable's handle (VAR_HANDLE): no data of its own */
    HIL_UINT32 = 15,   /* the signal library's spectra and filter bank channels */
    HIL_INT4 = 17,     /* packed, two per byte: only as constant weights (kernels/int4_weights.c) */
    HIL_NONE = 255,    /* not a TensorType: the cell of an operator without tensors (CALL_ONCE) */
};

/* Custom operators (TFLM's signal library) get ops.def codes from here up, matched by their
 * custom code (the kernel's name), so one table serves builtin and custom operators. */
enum { HIL_CUSTOM_BASE = 1000 };

/* TFLite ActivationFunctionType values. */
enum { HIL_ACT_NONE = 0, HIL_ACT_RELU = 1, HIL_ACT_RELU_N1_TO_1 = 2, HIL_ACT_RELU6 = 3 };

/* One tensor (or a node's scratch buffer). The table of them is persistent arena memory, so it
 * holds what kernels and the planner use; the name stays in the model (hil_tensor_name). */
typedef struct hil_tensor {
    uint8_t type;
    uint8_t ndim;
    uint8_t is_const : 1;    /* data lives in the model (flash) */
    uint8_t is_planned : 1;  /* data lives in the planned part of the arena */
    uint8_t is_variable : 1; /* state kept across invokes (persistent part of the arena) */
    uint8_t is_empty : 1;    /* a dimension of 0: allowed only where no operator uses it */
    int8_t quantized_dimension; /* the model's, saturated to int8 (no tensor has 127 dimensions) */
    int32_t dims[HIL_MAX_DIMS];
    uint32_t bytes;
    float scale; /* first (or only) quantization scale */
    int32_t zero_point;
    hil_fb_vec scales;      /* every scale: len > 1 means per-channel */
    hil_fb_vec zero_points; /* int64 values */
    uint8_t *data;
    int32_t first_use, last_use; /* node indices bounding the tensor's lifetime */
} hil_tensor;

struct hil_kernel;

typedef struct hil_node {
    uint32_t index;
    uint32_t opcode;
    const struct hil_kernel *kernel;
    hil_fb_vec inputs;  /* int32 tensor indices, -1 for an absent optional input */
    hil_fb_vec outputs;
    union { /* a builtin operator has no custom options and a custom one no builtin options: the
             * node stays as small as before custom operators (the planner keeps every node) */
        hil_fb_table options;      /* a builtin operator's options table */
        hil_fb_vec custom_options; /* a custom operator's flexbuffer options (bytes) */
    };
    uint32_t options_type;
    void *params;         /* kernel-owned, prepared once at load */
    struct hil_tensor *scratch; /* the node's scratch buffer (hil_request_scratch), or NULL */
    int32_t alias_input;  /* tensor that output 0 may overlap (hil_allow_alias), HIL_ALIAS_ANY_INPUT or -1 */
    int32_t alias_limit;  /* ... when output base - input base <= alias_limit bytes */
    uint32_t tensor_base; /* its subgraph's first tensor in the graph's table */
    uint64_t ticks;       /* counter ticks of the last invoke */
} hil_node;

/* One subgraph's share of the graph's tables. */
typedef struct hil_subgraph {
    uint32_t first_node, n_nodes;
    uint32_t first_tensor, n_tensors;
    hil_fb_vec inputs, outputs; /* tensor indices within the subgraph */
} hil_subgraph;

/* A resource variable (VAR_HANDLE / READ_VARIABLE / ASSIGN_VARIABLE), named by container and
 * shared name; its buffer is allocated by the first ASSIGN_VARIABLE that knows it, as TFLM does. */
typedef struct hil_resource {
    hil_fb_vec container, shared_name;
    uint8_t *data;
    uint32_t bytes;
    uint32_t read_bytes;   /* what READ_VARIABLE reads (0: not read), checked once all are prepared */
    uint8_t default_value; /* the byte a reset fills it with (TFLM: the int8 zero point) */
} hil_resource;

/* What the persistent part of the arena holds, by the load step that allocated it (requested
 * bytes; what hil_persistent_alloc's 8-byte rounding adds is counted in persistent_padding). */
enum { HIL_PART_SUBGRAPHS, HIL_PART_TENSORS, HIL_PART_NODES, HIL_PART_STATE, HIL_PART_KERNELS, HIL_PARTS };

/* Planner variants, for measuring what each part of the plan costs (the host oracle's arena
 * breakdown); a firmware plans with none. */
enum { HIL_PLAN_NO_SCRATCH = 1, HIL_PLAN_NO_INPUT_KEPT = 2, HIL_PLAN_UNALIGNED = 4 };

typedef struct hil_graph {
    hil_fb fb;
    hil_tensor *tensors;
    uint32_t n_tensors;   /* the model's tensors and the nodes' scratch buffers (node->scratch) */
    uint32_t n_model_tensors;
    hil_node *nodes;
    uint32_t n_nodes;           /* every subgraph's */
    uint32_t n_main_nodes;      /* subgraph 0's (the first ones): what an invoke runs */
    hil_fb_vec inputs, outputs; /* subgraph 0's */
    hil_subgraph *subgraphs;    /* subgraphs[0] is the one an invoke runs */
    uint32_t n_subgraphs;
    hil_subgraph main_subgraph; /* subgraphs[0] of a one-subgraph model (no arena used) */
    hil_resource *resources;
    uint32_t n_resources, max_resources;
    uint8_t has_state;          /* variables, resource variables or kernels with state */
    uint8_t *arena;
    uint32_t arena_size;
    uint32_t planned_bytes;    /* peak of the activation plan */
    uint32_t persistent_start; /* persistent data occupies [persistent_start, arena_size) */
    uint32_t persistent_parts[HIL_PARTS];
    uint32_t persistent_padding;
    uint8_t plan_flags; /* HIL_PLAN_*: 0 except while the oracle measures the breakdown */
    char *msg;
    size_t msg_cap;
} hil_graph;

typedef struct hil_kernel {
    uint32_t opcode;
    const char *name;
    /* Validate types, shapes and options; compute parameters; request scratch. Returns hil_error. */
    int (*prepare)(hil_graph *g, hil_node *node);
    int (*eval)(hil_graph *g, hil_node *node);
    /* Optional: return the state the kernel keeps across invokes to its initial value (the
     * model's RESET_STATE; TFLM's registration->reset). */
    void (*reset)(hil_graph *g, hil_node *node);
} hil_kernel;

/* Kernel helpers. */
unsigned hil_node_num_inputs(const hil_node *node);
unsigned hil_node_num_outputs(const hil_node *node);
hil_tensor *hil_node_input(hil_graph *g, const hil_node *node, unsigned i);  /* NULL if absent */
hil_tensor *hil_node_output(hil_graph *g, const hil_node *node, unsigned i); /* NULL if absent */
void *hil_persistent_alloc(hil_graph *g, size_t bytes); /* 8-byte aligned, zeroed; NULL if full */
int hil_request_scratch(hil_graph *g, hil_node *node, uint32_t bytes);
/* Adds `bytes` (8-byte aligned) to the end of the node's scratch, requesting it if there is none
 * yet (a wrapper kernel after the kernel it wraps); returns their offset, or UINT32_MAX. */
uint32_t hil_grow_scratch(hil_graph *g, hil_node *node, uint32_t bytes);
/* Lets output 0 share memory with input `input` where that input is last used by this node:
 * the kernel reads and writes in an order that stays correct whenever output base - input
 * base <= max_displacement bytes (hil_window_alias_limit). The planner decides whether to. */
void hil_allow_alias(hil_graph *g, hil_node *node, unsigned input, int32_t max_displacement);
/* hil_allow_alias for whichever input has output 0's size in bytes and dies at this node (the
 * planner picks the first): for element-wise kernels that compute element i from element i of
 * such an input, in order, so the output may start at or before the input (limit 0). */
void hil_allow_alias_any(hil_node *node);
#define HIL_ALIAS_ANY_INPUT (-2) /* node->alias_input after hil_allow_alias_any */
void *hil_scratch(hil_graph *g, const hil_node *node);
/* The name of subgraph 0's tensor `index` (a string in the model). */
hil_fb_vec hil_tensor_name(const hil_graph *g, uint32_t index);
uint32_t hil_num_elements(const hil_tensor *t);
int32_t hil_dim(const hil_tensor *t, int axis); /* negative axis counts from the end */
static inline int hil_same_shape(const hil_tensor *a, const hil_tensor *b)
{
    return a->ndim == b->ndim && memcmp(a->dims, b->dims, sizeof a->dims[0] * a->ndim) == 0;
}
/* Refuse the node with one line "OPNAME (op #N): reason"; returns the error code to return. */
int hil_reject(hil_graph *g, const hil_node *node, int code, const char *reason);
int hil_dtype_size(uint32_t dtype);

/* Element i of an integer tensor (int8, int16, int32 or int64: shapes, axes, positions) as int64. */
static inline int64_t hil_int_at(const hil_tensor *t, uint32_t i)
{
    switch (t->type) {
    case HIL_INT8: return (int8_t)t->data[i];
    case HIL_INT16: return (int16_t)(t->data[2u * i] | (t->data[2u * i + 1] << 8));
    case HIL_INT64: {
        const uint8_t *p = t->data + 8u * i;
        return (int64_t)((uint64_t)hil_le32(p) | ((uint64_t)hil_le32(p + 4) << 32));
    }
    default: return (int32_t)hil_le32(t->data + 4u * i);
    }
}

/* State across invokes (state.c): variable tensors, resource variables, kernels' own state. */
hil_resource *hil_resource_find(hil_graph *g, hil_fb_vec container, hil_fb_vec shared_name, int create);
int hil_resource_allocate(hil_graph *g, hil_resource *r, const hil_tensor *value);
int hil_state_init(hil_graph *g);  /* allocates the variable tensors at load */
int hil_state_check(hil_graph *g); /* once every operator is prepared: every variable read is set */
void hil_graph_reset(hil_graph *g);

/* Graph life cycle (graph.c, planner.c). */
int hil_graph_load(hil_graph *g, const uint8_t *model, uint32_t size, uint8_t *arena,
                   uint32_t arena_size, char *msg, size_t msg_cap);
int hil_graph_plan(hil_graph *g);
/* Runs a subgraph's nodes in order (subgraph 0 is the engine's invoke; CALL_ONCE runs others). */
int hil_graph_invoke_subgraph(hil_graph *g, uint32_t subgraph);

#endif
