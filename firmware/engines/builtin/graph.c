/* Reading a .tflite flatbuffer into the graph, with every field bounds-checked. */
#include "graph.h"

#include <float.h>
#include <string.h>

#include "hil_asan.h"
#include "hil_protocol.h"
#include "registry.h"

/* TFLite schema field numbers used below. */
enum { MODEL_VERSION = 0, MODEL_OPCODES = 1, MODEL_SUBGRAPHS = 2, MODEL_BUFFERS = 4 };
enum { SG_TENSORS = 0, SG_INPUTS = 1, SG_OUTPUTS = 2, SG_OPERATORS = 3 };
enum { T_SHAPE = 0, T_TYPE = 1, T_BUFFER = 2, T_NAME = 3, T_QUANT = 4, T_IS_VARIABLE = 5, T_SPARSITY = 6 };
enum { Q_SCALE = 2, Q_ZERO_POINT = 3, Q_DETAILS_TYPE = 4, Q_DIMENSION = 6 };
enum { OP_OPCODE_INDEX = 0, OP_INPUTS = 1, OP_OUTPUTS = 2, OP_OPTIONS_TYPE = 3, OP_OPTIONS = 4,
       OP_CUSTOM_OPTIONS = 5, OP_CUSTOM_OPTIONS_FORMAT = 6 };
enum { OC_DEPRECATED_CODE = 0, OC_CUSTOM_CODE = 1, OC_BUILTIN_CODE = 3 };
enum { BUF_DATA = 0, BUF_OFFSET = 1, BUF_SIZE = 2 };
enum { HIL_CUSTOM = 32 }; /* BuiltinOperator CUSTOM */

#define MAX_TENSOR_BYTES 0x40000000u

/* int4 packed weights (kernels/int4_weights.c): read only by firmwares whose model has them
 * (cmake/model_ops.py), so other models' load code stays as it was; every other build has them. */
#ifdef HIL_MODEL_OPS
#include "hil_model_ops.h"
#endif
#if !defined(HIL_MODEL_OPS) || defined(HIL_MODEL_HAS_INT4)
#define INT4_WEIGHTS 1
#else
#define INT4_WEIGHTS 0
#endif

/* ---- one-line messages without printf ---- */

static void msg_add(hil_graph *g, const char *s)
{
    size_t len = strlen(g->msg);
    while (*s && len + 1 < g->msg_cap)
        g->msg[len++] = *s++;
    g->msg[len] = '\0';
}

static void msg_add_uint(hil_graph *g, uint32_t v)
{
    char out[11]; /* 4294967295 and the terminator */
    char *p = out + sizeof out - 1;
    *p = '\0';
    do {
        *--p = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    msg_add(g, p);
}

static int fail(hil_graph *g, int code, const char *what)
{
    g->msg[0] = '\0';
    msg_add(g, what);
    return code;
}

/* "op #N" within subgraph 0, "subgraph K op #N" within another: the host names subgraph 0's. */
static void msg_add_op(hil_graph *g, const hil_node *node)
{
    uint32_t k = 0;
    while (k + 1 < g->n_subgraphs && node->index >= g->subgraphs[k + 1].first_node)
        k++;
    if (k) {
        msg_add(g, "subgraph ");
        msg_add_uint(g, k);
        msg_add(g, " ");
    }
    msg_add(g, "op #");
    msg_add_uint(g, node->index - (g->n_subgraphs ? g->subgraphs[k].first_node : 0));
}

int hil_reject(hil_graph *g, const hil_node *node, int code, const char *reason)
{
    g->msg[0] = '\0';
    msg_add(g, node->kernel ? node->kernel->name : "operator");
    msg_add(g, " (");
    msg_add_op(g, node);
    msg_add(g, "): ");
    msg_add(g, reason);
    return code;
}

/* ---- small helpers for kernels ---- */

int hil_dtype_size(uint32_t dtype)
{
    switch (dtype) {
    case HIL_FLOAT32: case HIL_INT32: case HIL_UINT32: return 4;
    case HIL_FLOAT16: case HIL_INT16: return 2;
    case HIL_UINT8: case HIL_INT8: case HIL_BOOL: return 1;
    case HIL_INT64: case HIL_UINT64: return 8;
    default: return 0;
    }
}

uint32_t hil_num_elements(const hil_tensor *t)
{
    uint32_t n = 1;
    for (unsigned d = 0; d < t->ndim; d++)
        n *= (uint32_t)t->dims[d];
    return n;
}

int32_t hil_dim(const hil_tensor *t, int axis)
{
    if (axis < 0)
        axis += t->ndim;
    return axis >= 0 && axis < t->ndim ? t->dims[axis] : 1;
}

unsigned hil_node_num_inputs(const hil_node *node) { return node->inputs.len; }
unsigned hil_node_num_outputs(const hil_node *node) { return node->outputs.len; }

/* A node's tensor `i` of `list`, NULL when absent (-1) or past the list. No upper bound check here:
 * load_node checked every index against its subgraph's tensor count (check_tensor_list), and the
 * model does not change after load; this lookup runs for every operand of every invoke. */
static hil_tensor *tensor_ref(hil_graph *g, uint32_t base, hil_fb_vec list, unsigned i)
{
    if (i >= list.len)
        return 0;
    int32_t t = hil_fb_vec_i32(&g->fb, list, i);
    return t >= 0 ? &g->tensors[base + (uint32_t)t] : 0;
}

hil_tensor *hil_node_input(hil_graph *g, const hil_node *node, unsigned i)
{
    return tensor_ref(g, node->tensor_base, node->inputs, i);
}

hil_tensor *hil_node_output(hil_graph *g, const hil_node *node, unsigned i)
{
    return tensor_ref(g, node->tensor_base, node->outputs, i);
}

void *hil_persistent_alloc(hil_graph *g, size_t bytes)
{
    size_t rounded = (bytes + 7u) & ~(size_t)7u;
    if (rounded > g->persistent_start)
        return 0;
    uint32_t before = g->persistent_start;
    g->persistent_start -= (uint32_t)rounded;
    g->persistent_start &= ~7u;
    g->persistent_padding += before - g->persistent_start - (uint32_t)bytes;
    memset(g->arena + g->persistent_start, 0, rounded);
    return g->arena + g->persistent_start;
}

uint32_t hil_grow_scratch(hil_graph *g, hil_node *node, uint32_t bytes)
{
    if (!node->scratch)
        return hil_request_scratch(g, node, bytes) == HIL_OK ? 0u : UINT32_MAX;
    hil_tensor *t = node->scratch;
    uint32_t at = (t->bytes + 7u) & ~7u;
    if (at < t->bytes || bytes > UINT32_MAX - at)
        return UINT32_MAX;
    t->bytes = at + bytes;
    t->dims[0] = (int32_t)t->bytes;
    return at;
}

/* A scratch buffer is a pseudo-tensor alive at its node only, allocated when requested (most
 * nodes have none), which the planner places among the model's tensors. */
int hil_request_scratch(hil_graph *g, hil_node *node, uint32_t bytes)
{
    if (node->scratch)
        return hil_reject(g, node, HIL_ERR_INVOKE_FAILED, "kernel asked for a second scratch buffer");
    hil_tensor *t = hil_persistent_alloc(g, sizeof *t);
    if (!t)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena too small for the scratch table");
    t->type = HIL_INT8;
    t->ndim = 1;
    t->dims[0] = (int32_t)bytes;
    t->bytes = bytes;
    t->first_use = t->last_use = (int32_t)node->index;
    node->scratch = t;
    g->n_tensors++;
    g->persistent_parts[HIL_PART_TENSORS] += (uint32_t)sizeof *t; /* booked with the tensor table */
    return HIL_OK;
}

void hil_allow_alias(hil_graph *g, hil_node *node, unsigned input, int32_t max_displacement)
{
    int32_t t = input < node->inputs.len ? hil_fb_vec_i32(&g->fb, node->inputs, input) : -1;
    node->alias_input = t >= 0 && node->tensor_base + (uint32_t)t < g->n_model_tensors ? (int32_t)node->tensor_base + t : -1;
    node->alias_limit = max_displacement;
}

void hil_allow_alias_any(hil_node *node)
{
    node->alias_input = HIL_ALIAS_ANY_INPUT;
    node->alias_limit = 0;
}

void *hil_scratch(hil_graph *g, const hil_node *node)
{
    (void)g;
    return node->scratch ? node->scratch->data : 0;
}

hil_fb_vec hil_tensor_name(const hil_graph *g, uint32_t index)
{
    hil_fb fb = g->fb; /* reading does not change the model; a copy keeps g const */
    hil_fb_table root = hil_fb_root(&fb);
    hil_fb_table sg = hil_fb_vec_table(&fb, hil_fb_vector_at(&fb, &root, MODEL_SUBGRAPHS, 4), 0);
    hil_fb_table tt = hil_fb_vec_table(&fb, hil_fb_vector_at(&fb, &sg, SG_TENSORS, 4), index);
    hil_fb_vec name = hil_fb_string_at(&fb, &tt, T_NAME);
    return fb.error ? (hil_fb_vec){0, 0} : name;
}

/* ---- loading ---- */

/* Kernels divide by scales and add zero points in int32 arithmetic: a NaN, infinite, zero or
 * negative scale, or a zero point outside the tensor type's range, would make that arithmetic
 * undefined, so such a model is refused here rather than trusted. */
static int check_quant_values(hil_graph *g, const hil_tensor *t)
{
    for (uint32_t i = 0; i < t->scales.len; i++) {
        float s = hil_fb_vec_f32(&g->fb, t->scales, i);
        if (!(s > 0.0f && s <= FLT_MAX))
            return fail(g, HIL_ERR_MODEL_INVALID, "quantization scale is not a positive finite number");
    }
    int64_t lo = INT32_MIN, hi = INT32_MAX;
    if (t->type == HIL_INT8)
        lo = INT8_MIN, hi = INT8_MAX;
    else if (t->type == HIL_UINT8)
        lo = 0, hi = UINT8_MAX;
    else if (t->type == HIL_INT16)
        lo = INT16_MIN, hi = INT16_MAX;
    for (uint32_t i = 0; i < t->zero_points.len; i++) {
        int64_t zp = hil_fb_vec_i64(&g->fb, t->zero_points, i);
        if (zp < lo || zp > hi)
            return fail(g, HIL_ERR_MODEL_INVALID, "quantization zero point is out of range for the tensor type");
    }
    return HIL_OK;
}

static int load_quantization(hil_graph *g, hil_tensor *t, const hil_fb_table *tt)
{
    hil_fb *fb = &g->fb;
    hil_fb_table q = hil_fb_table_at(fb, tt, T_QUANT);
    if (!q.pos)
        return HIL_OK;
    if (hil_fb_u8(fb, &q, Q_DETAILS_TYPE, 0) != 0)
        return fail(g, HIL_ERR_UNSUPPORTED, "custom quantization details are not supported");
    t->scales = hil_fb_vector_at(fb, &q, Q_SCALE, 4);
    t->zero_points = hil_fb_vector_at(fb, &q, Q_ZERO_POINT, 8);
    int32_t dimension = hil_fb_i32(fb, &q, Q_DIMENSION, 0);
    t->quantized_dimension = (int8_t)(dimension < INT8_MIN ? INT8_MIN : dimension > INT8_MAX ? INT8_MAX : dimension);
    if (check_quant_values(g, t) != HIL_OK)
        return HIL_ERR_MODEL_INVALID;
    if (t->scales.len) {
        t->scale = hil_fb_vec_f32(fb, t->scales, 0);
        if (t->zero_points.len != t->scales.len && t->zero_points.len > 1)
            return fail(g, HIL_ERR_MODEL_INVALID, "quantization scale and zero point counts differ");
        if (t->zero_points.len)
            t->zero_point = (int32_t)hil_fb_vec_i64(fb, t->zero_points, 0);
    }
    /* Converters leave per-channel scales on bias vectors with the filter's quantized dimension
     * (person_detect: dimension 3 of a 1-D bias); only a dimension that exists is checked, and
     * the kernels that use per-channel scales check them against their channel count. */
    if (t->scales.len > 1 && t->quantized_dimension >= 0 && t->quantized_dimension < t->ndim &&
        (uint32_t)t->dims[t->quantized_dimension] != t->scales.len)
        return fail(g, HIL_ERR_MODEL_INVALID, "per-channel scales do not match the quantized dimension");
    return HIL_OK;
}

static int load_buffer(hil_graph *g, hil_tensor *t, hil_fb_vec buffers, uint32_t index)
{
    hil_fb *fb = &g->fb;
    if (index >= buffers.len)
        return fail(g, HIL_ERR_MODEL_INVALID, "tensor refers to a buffer that does not exist");
    hil_fb_table b = hil_fb_vec_table(fb, buffers, index);
    hil_fb_vec data = hil_fb_vector_at(fb, &b, BUF_DATA, 1);
    uint64_t offset = hil_fb_u64(fb, &b, BUF_OFFSET, 0);
    uint64_t size = hil_fb_u64(fb, &b, BUF_SIZE, 0);
    const uint8_t *bytes = hil_fb_vec_bytes(fb, data);
    uint64_t len = data.len;
    if (offset > 1) { /* large models keep buffers outside the flatbuffer, at an absolute offset */
        if (offset > fb->size || size > fb->size - offset)
            return fail(g, HIL_ERR_MODEL_INVALID, "buffer offset points outside the model");
        bytes = fb->base + offset;
        len = size;
    }
    if (len == 0)
        return HIL_OK;
    if (len != t->bytes)
        return fail(g, HIL_ERR_MODEL_INVALID, "constant tensor size does not match its buffer");
    int align = hil_dtype_size(t->type);
    if (align > 4)
        align = 4;
    if (align > 1 && ((uintptr_t)bytes & (uintptr_t)(align - 1)))
        return fail(g, HIL_ERR_MODEL_INVALID, "constant buffer is misaligned");
    t->data = (uint8_t *)(uintptr_t)bytes;
    t->is_const = 1;
    return HIL_OK;
}

static int load_tensor(hil_graph *g, hil_tensor *t, const hil_fb_table *tt, hil_fb_vec buffers)
{
    hil_fb *fb = &g->fb;
    memset(t, 0, sizeof *t);
    hil_fb_vec shape = hil_fb_vector_at(fb, tt, T_SHAPE, 4);
    if (shape.len > HIL_MAX_DIMS)
        return fail(g, HIL_ERR_UNSUPPORTED, "tensor has more than 6 dimensions");
    t->ndim = (uint8_t)shape.len;
    t->type = (uint8_t)hil_fb_i8(fb, tt, T_TYPE, HIL_FLOAT32);
    uint64_t elements = 1;
    for (unsigned d = 0; d < shape.len; d++) {
        int32_t dim = hil_fb_vec_i32(fb, shape, d);
        if (dim < 0)
            return fail(g, HIL_ERR_UNSUPPORTED, "tensor has a dynamic or empty dimension");
        if (dim == 0) /* converters leave unused empty tensors (mnist_lstm): refused only if used */
            t->is_empty = 1;
        t->dims[d] = dim;
        elements *= (uint64_t)dim;
        if (elements > MAX_TENSOR_BYTES)
            return fail(g, HIL_ERR_MODEL_INVALID, "tensor is too large");
    }
    /* int4 (packed weights) holds two values per byte, the last byte half used when odd */
    uint64_t bytes = INT4_WEIGHTS && t->type == HIL_INT4 ? (elements + 1u) / 2u
                                                     : elements * (uint64_t)hil_dtype_size(t->type);
    if (bytes > MAX_TENSOR_BYTES)
        return fail(g, HIL_ERR_MODEL_INVALID, "tensor is too large");
    t->bytes = (uint32_t)bytes;
    if (hil_fb_table_at(fb, tt, T_SPARSITY).pos)
        return fail(g, HIL_ERR_UNSUPPORTED, "sparse tensors are not supported");
    t->is_variable = hil_fb_u8(fb, tt, T_IS_VARIABLE, 0) != 0;
    int status = load_quantization(g, t, tt);
    if (status != HIL_OK)
        return status;
    if (!t->is_variable) /* a variable's initial value is its reset value, as in TFLM */
        status = load_buffer(g, t, buffers, hil_fb_u32(fb, tt, T_BUFFER, 0));
    return fb->error ? fail(g, HIL_ERR_MODEL_INVALID, "tensor table is malformed") : status;
}

/* Every index of `list` names one of the subgraph's `n_tensors` tensors (or is -1, if allowed). */
static int check_tensor_list(hil_graph *g, hil_fb_vec list, uint32_t n_tensors, int allow_absent)
{
    for (uint32_t i = 0; i < list.len; i++) {
        int32_t t = hil_fb_vec_i32(&g->fb, list, i);
        if ((t < 0 && !(allow_absent && t == -1)) || (t >= 0 && (uint32_t)t >= n_tensors))
            return fail(g, HIL_ERR_MODEL_INVALID, "operator refers to a tensor that does not exist");
    }
    return HIL_OK;
}

/* The TensorType that selects an operator's kernel: its input 0's (or the input ops.def names
 * for the operator), or its output 0's when it has no input; INT4 when input 1 (weights) is int4. */
static uint32_t node_type(hil_graph *g, const hil_node *node)
{
    if (!node->inputs.len && !node->outputs.len)
        return HIL_NONE;
    int which = hil_type_input(node->opcode);
    hil_tensor *t = node->inputs.len && which >= 0 ? hil_node_input(g, node, (unsigned)which)
                                                  : hil_node_output(g, node, 0);
    hil_tensor *w = INT4_WEIGHTS ? hil_node_input(g, node, 1) : 0;
    if (w && w->type == HIL_INT4) /* int4 packed weights select their own cells (kernels/int4_weights.c) */
        return HIL_INT4;
    return t ? t->type : HIL_INT8;
}

/* Reads one operator; an unknown opcode leaves node->kernel NULL for the caller to report. */
static int load_node(hil_graph *g, hil_node *node, const hil_fb_table *ot, hil_fb_vec opcodes,
                     const hil_subgraph *sg)
{
    hil_fb *fb = &g->fb;
    uint32_t oc_index = hil_fb_u32(fb, ot, OP_OPCODE_INDEX, 0);
    if (oc_index >= opcodes.len)
        return fail(g, HIL_ERR_MODEL_INVALID, "operator refers to an opcode that does not exist");
    hil_fb_table oc = hil_fb_vec_table(fb, opcodes, oc_index);
    int32_t deprecated = hil_fb_i8(fb, &oc, OC_DEPRECATED_CODE, 0);
    int32_t builtin = hil_fb_i32(fb, &oc, OC_BUILTIN_CODE, 0);
    hil_fb_vec custom_code = hil_fb_string_at(fb, &oc, OC_CUSTOM_CODE);
    node->opcode = custom_code.len ? hil_custom_opcode((const char *)hil_fb_vec_bytes(fb, custom_code), custom_code.len)
                                   : (uint32_t)(builtin > deprecated ? builtin : deprecated);
    if (custom_code.len) {
        node->custom_options = hil_fb_vector_at(fb, ot, OP_CUSTOM_OPTIONS, 1);
        if (hil_fb_u8(fb, ot, OP_CUSTOM_OPTIONS_FORMAT, 0) != 0)
            return fail(g, HIL_ERR_UNSUPPORTED, "custom options in a format other than flexbuffers");
    } else {
        node->options = hil_fb_table_at(fb, ot, OP_OPTIONS);
    }
    node->inputs = hil_fb_vector_at(fb, ot, OP_INPUTS, 4);
    node->outputs = hil_fb_vector_at(fb, ot, OP_OUTPUTS, 4);
    node->options_type = hil_fb_u8(fb, ot, OP_OPTIONS_TYPE, 0);
    node->scratch = 0;
    node->alias_input = -1;
    node->tensor_base = sg->first_tensor;
    if (fb->error)
        return fail(g, HIL_ERR_MODEL_INVALID, "operator table is malformed");
    int status = check_tensor_list(g, node->inputs, sg->n_tensors, 1);
    if (status == HIL_OK)
        status = check_tensor_list(g, node->outputs, sg->n_tensors, 0);
    if (status == HIL_OK && node->opcode != HIL_CUSTOM)
        node->kernel = hil_find_kernel(node->opcode, node_type(g, node));
    return status;
}

/* Lists every operator without a kernel for its type in one line: "no kernel for builtin code
 * 44 (type 9) at op #0, ..." (TFLite BuiltinOperator and TensorType numbers; the host names them). */
static int report_unsupported(hil_graph *g)
{
    int any = 0;
    g->msg[0] = '\0';
    for (uint32_t i = 0; i < g->n_nodes; i++) {
        if (g->nodes[i].kernel)
            continue;
        msg_add(g, any ? ", builtin code " : "no kernel for builtin code ");
        msg_add_uint(g, g->nodes[i].opcode);
        msg_add(g, " (type ");
        msg_add_uint(g, node_type(g, &g->nodes[i]));
        msg_add(g, ") at ");
        msg_add_op(g, &g->nodes[i]);
        any = 1;
    }
    return any ? HIL_ERR_UNSUPPORTED : HIL_OK;
}

/* The subgraph table: where each subgraph's tensors and nodes sit in the graph's tables. */
static int read_subgraphs(hil_graph *g, hil_fb_vec subgraphs)
{
    g->n_subgraphs = subgraphs.len;
    g->subgraphs = subgraphs.len == 1 ? &g->main_subgraph : hil_persistent_alloc(g, sizeof(hil_subgraph) * subgraphs.len);
    if (!g->subgraphs)
        return fail(g, HIL_ERR_ARENA_TOO_SMALL, "arena too small for the subgraph table");
    uint32_t tensors = 0, nodes = 0;
    for (uint32_t k = 0; k < subgraphs.len; k++) {
        hil_fb_table sg = hil_fb_vec_table(&g->fb, subgraphs, k);
        hil_subgraph *s = &g->subgraphs[k];
        s->first_node = nodes;
        s->n_nodes = hil_fb_vector_at(&g->fb, &sg, SG_OPERATORS, 4).len;
        s->inputs = hil_fb_vector_at(&g->fb, &sg, SG_INPUTS, 4);
        s->outputs = hil_fb_vector_at(&g->fb, &sg, SG_OUTPUTS, 4);
        if (g->fb.error)
            return fail(g, HIL_ERR_MODEL_INVALID, "malformed subgraph");
        s->first_tensor = tensors;
        s->n_tensors = hil_fb_vector_at(&g->fb, &sg, SG_TENSORS, 4).len;
        if (g->fb.error)
            return fail(g, HIL_ERR_MODEL_INVALID, "malformed model: the tensor list points outside the file");
        if (s->n_tensors > 0xFFFFFFu - tensors || s->n_nodes > 0xFFFFFFu - nodes)
            return fail(g, HIL_ERR_MODEL_INVALID, "malformed model: too many tensors or operators");
        tensors += s->n_tensors;
        nodes += s->n_nodes;
    }
    g->inputs = g->subgraphs[0].inputs;
    g->outputs = g->subgraphs[0].outputs;
    g->n_model_tensors = g->n_tensors = tensors;
    g->n_nodes = nodes;
    g->n_main_nodes = g->subgraphs[0].n_nodes;
    return HIL_OK;
}

/* The tensor table, with only each tensor's type read: operators are matched with kernels
 * before tensors are loaded in full, so a model is refused for its operators first. */
static int alloc_tensors(hil_graph *g, hil_fb_vec subgraphs)
{
    g->tensors = hil_persistent_alloc(g, sizeof(hil_tensor) * (size_t)g->n_model_tensors);
    if (!g->tensors)
        return fail(g, HIL_ERR_ARENA_TOO_SMALL, "arena too small for the tensor table");
    for (uint32_t k = 0; k < g->n_subgraphs; k++) {
        hil_fb_table sg = hil_fb_vec_table(&g->fb, subgraphs, k);
        hil_fb_vec list = hil_fb_vector_at(&g->fb, &sg, SG_TENSORS, 4);
        for (uint32_t i = 0; i < list.len; i++) {
            hil_fb_table tt = hil_fb_vec_table(&g->fb, list, i);
            g->tensors[g->subgraphs[k].first_tensor + i].type = (uint8_t)hil_fb_i8(&g->fb, &tt, T_TYPE, HIL_FLOAT32);
        }
        int status = check_tensor_list(g, g->subgraphs[k].inputs, g->subgraphs[k].n_tensors, 0);
        if (status == HIL_OK)
            status = check_tensor_list(g, g->subgraphs[k].outputs, g->subgraphs[k].n_tensors, 0);
        if (status != HIL_OK)
            return status;
    }
    return g->fb.error ? fail(g, HIL_ERR_MODEL_INVALID, "tensor table is malformed") : HIL_OK;
}

/* An empty tensor (a dimension of 0) in an operator's or subgraph's tensor list. */
static int uses_empty(hil_graph *g, uint32_t base, hil_fb_vec list)
{
    for (uint32_t i = 0; i < list.len; i++) {
        int32_t t = hil_fb_vec_i32(&g->fb, list, i);
        if (t >= 0 && g->tensors[base + (uint32_t)t].is_empty)
            return 1;
    }
    return 0;
}

static int check_empty_unused(hil_graph *g)
{
    int used = 0;
    for (uint32_t n = 0; n < g->n_nodes && !used; n++)
        used = uses_empty(g, g->nodes[n].tensor_base, g->nodes[n].inputs) ||
               uses_empty(g, g->nodes[n].tensor_base, g->nodes[n].outputs);
    for (uint32_t k = 0; k < g->n_subgraphs && !used; k++)
        used = uses_empty(g, g->subgraphs[k].first_tensor, g->subgraphs[k].inputs) ||
               uses_empty(g, g->subgraphs[k].first_tensor, g->subgraphs[k].outputs);
    return used ? fail(g, HIL_ERR_UNSUPPORTED, "tensor has a dynamic or empty dimension") : HIL_OK;
}

static int load_tensors(hil_graph *g, hil_fb_vec subgraphs, hil_fb_vec buffers)
{
    for (uint32_t k = 0; k < g->n_subgraphs; k++) {
        hil_fb_table sg = hil_fb_vec_table(&g->fb, subgraphs, k);
        hil_fb_vec list = hil_fb_vector_at(&g->fb, &sg, SG_TENSORS, 4);
        for (uint32_t i = 0; i < list.len; i++) {
            hil_fb_table tt = hil_fb_vec_table(&g->fb, list, i);
            int status = load_tensor(g, &g->tensors[g->subgraphs[k].first_tensor + i], &tt, buffers);
            if (status != HIL_OK)
                return status;
        }
    }
    return check_empty_unused(g);
}

static int load_nodes(hil_graph *g, hil_fb_vec subgraphs, hil_fb_vec opcodes)
{
    g->nodes = hil_persistent_alloc(g, sizeof(hil_node) * (size_t)g->n_nodes);
    if (g->n_nodes && !g->nodes)
        return fail(g, HIL_ERR_ARENA_TOO_SMALL, "arena too small for the operator table");
    for (uint32_t k = 0; k < g->n_subgraphs; k++) {
        hil_fb_table sg = hil_fb_vec_table(&g->fb, subgraphs, k);
        hil_fb_vec ops = hil_fb_vector_at(&g->fb, &sg, SG_OPERATORS, 4);
        for (uint32_t i = 0; i < ops.len; i++) {
            hil_fb_table ot = hil_fb_vec_table(&g->fb, ops, i);
            hil_node *node = &g->nodes[g->subgraphs[k].first_node + i];
            node->index = g->subgraphs[k].first_node + i;
            int status = load_node(g, node, &ot, opcodes, &g->subgraphs[k]);
            if (status != HIL_OK)
                return status;
        }
    }
    return report_unsupported(g);
}

static int prepare_nodes(hil_graph *g)
{
    for (uint32_t i = 0; i < g->n_nodes; i++) {
        hil_node *node = &g->nodes[i];
        int status = node->kernel->prepare(g, node);
        if (status != HIL_OK)
            return status;
        if (g->fb.error)
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "malformed operator options");
    }
    return HIL_OK;
}

/* Books the persistent bytes allocated since the previous part to `part` (without padding). */
static void count_part(hil_graph *g, int part)
{
    uint32_t booked = g->persistent_padding;
    for (int k = 0; k < part; k++)
        booked += g->persistent_parts[k];
    g->persistent_parts[part] = g->arena_size - g->persistent_start - booked;
}

int hil_graph_load(hil_graph *g, const uint8_t *model, uint32_t size, uint8_t *arena,
                   uint32_t arena_size, char *msg, size_t msg_cap)
{
    memset(g, 0, sizeof *g);
    g->msg = msg;
    g->msg_cap = msg_cap;
    g->msg[0] = '\0';
    g->arena = arena;
    g->arena_size = g->persistent_start = arena_size;
    HIL_UNPOISON(arena, arena_size); /* the previous model's plan poisoned its free gap */
    hil_fb_init(&g->fb, model, size);
    if (size < 8 || memcmp(model + 4, "TFL3", 4) != 0)
        return fail(g, HIL_ERR_MODEL_INVALID, "not a TFLite flatbuffer (no TFL3 identifier)");
    hil_fb *fb = &g->fb;
    hil_fb_table root = hil_fb_root(fb);
    uint32_t version = hil_fb_u32(fb, &root, MODEL_VERSION, 0);
    if (fb->error)
        return fail(g, HIL_ERR_MODEL_INVALID, "malformed model: the root table is outside the file or corrupt");
    if (version != 3)
        return fail(g, HIL_ERR_MODEL_INVALID, "unsupported TFLite schema version (want 3)");
    hil_fb_vec opcodes = hil_fb_vector_at(fb, &root, MODEL_OPCODES, 4);
    hil_fb_vec subgraphs = hil_fb_vector_at(fb, &root, MODEL_SUBGRAPHS, 4);
    hil_fb_vec buffers = hil_fb_vector_at(fb, &root, MODEL_BUFFERS, 4);
    if (fb->error)
        return fail(g, HIL_ERR_MODEL_INVALID,
                    "malformed model: an offset or length points outside the file (truncated or corrupt)");
    if (subgraphs.len == 0)
        return fail(g, HIL_ERR_MODEL_INVALID, "malformed model: no subgraph");
    int status = read_subgraphs(g, subgraphs);
    count_part(g, HIL_PART_SUBGRAPHS);
    if (status == HIL_OK)
        status = alloc_tensors(g, subgraphs);
    count_part(g, HIL_PART_TENSORS);
    if (status == HIL_OK)
        status = load_nodes(g, subgraphs, opcodes);
    count_part(g, HIL_PART_NODES);
    if (status == HIL_OK)
        status = load_tensors(g, subgraphs, buffers);
    if (status == HIL_OK)
        status = hil_state_init(g);
    count_part(g, HIL_PART_STATE);
    if (status == HIL_OK)
        status = prepare_nodes(g);
    if (status == HIL_OK)
        status = hil_state_check(g);
    count_part(g, HIL_PART_KERNELS);
    if (status == HIL_OK)
        status = hil_graph_plan(g);
    if (status == HIL_OK)
        hil_graph_reset(g);
    return status;
}

int hil_graph_invoke_subgraph(hil_graph *g, uint32_t subgraph)
{
    if (subgraph >= g->n_subgraphs)
        return HIL_ERR_INVOKE_FAILED;
    const hil_subgraph *s = &g->subgraphs[subgraph];
    for (uint32_t i = s->first_node; i < s->first_node + s->n_nodes; i++) {
        hil_node *node = &g->nodes[i];
        int status = node->kernel->eval(g, node);
        if (status != HIL_OK)
            return hil_reject(g, node, status, "evaluation failed");
    }
    return HIL_OK;
}
