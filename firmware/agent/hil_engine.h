/* The interface between the agent and an inference engine: the built-in engine and the
 * TFLM adapter both implement it, so the agent never knows which one runs. */
#ifndef HIL_ENGINE_H
#define HIL_ENGINE_H
#include <stddef.h>
#include <stdint.h>

#define HIL_MAX_DIMS 6

typedef struct {
    uint8_t dtype; /* TFLite TensorType: INT8 = 9, UINT8 = 3, INT16 = 7, FLOAT32 = 0, ... */
    uint8_t ndim;
    int32_t dims[HIL_MAX_DIMS];
    float scale; /* per-tensor quantization; 0 when not quantized */
    int32_t zero_point;
    uint32_t bytes;
    uint8_t *data; /* engine-owned storage: writable for inputs, readable for outputs */
} hil_tensor_spec;

typedef struct {
    uint16_t op_index;
    uint16_t opcode; /* TFLite BuiltinOperator */
    uint64_t ticks;  /* counter ticks spent in this operator during the last invoke */
} hil_op_profile;

/* One model tensor, for debugging (the first divergent layer): see LIST_TENSORS. */
typedef struct {
    hil_tensor_spec spec; /* spec.data is NULL when the tensor has no storage */
    const char *name;     /* not NUL-terminated; name_len bytes */
    uint32_t name_len;
    uint8_t flags;        /* HIL_TENSOR_CONST / _ARENA / _VALID (hil_protocol.h) */
} hil_tensor_info;

typedef struct hil_engine {
    const char *name;
    /* Parse and prepare the model; on failure fill msg with one line and return an hil_error. */
    int (*load)(const uint8_t *model, uint32_t size, char *msg, size_t msg_cap);
    uint32_t (*arena_size)(void);
    uint32_t (*arena_used)(void);
    unsigned (*num_inputs)(void);
    unsigned (*num_outputs)(void);
    int (*input)(unsigned index, hil_tensor_spec *spec);
    int (*output)(unsigned index, hil_tensor_spec *spec);
    int (*invoke)(char *msg, size_t msg_cap);
    unsigned (*num_ops)(void);
    int (*op_profile)(unsigned op_index, hil_op_profile *out);
    /* Optional (NULL when the engine has none): every model tensor, in model order, and the
     * engine's list flags (HIL_TENSORS_OWN_MEMORY). */
    unsigned (*num_tensors)(uint16_t *list_flags);
    int (*tensor_info)(unsigned index, hil_tensor_info *out);
    /* Optional: the engine's own work around each invoke, which the agent calls outside the
     * measured region (before its start and after its end reading of the counter), e.g.
     * restoring inputs a planner may have overwritten, or a one-time log line. */
    int (*before_invoke)(char *msg, size_t msg_cap);
    void (*after_invoke)(void);
    /* Optional: whether the model keeps state from one invoke to the next (variable tensors,
     * resource variables, kernels with state), and a return of that state to its initial
     * value (RESET_STATE). Without them the model is announced stateless. */
    int (*has_state)(void);
    int (*reset_state)(char *msg, size_t msg_cap);
} hil_engine;

#endif
