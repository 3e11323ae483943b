/* Prepare shared by the binary element-wise kernels of every type (ADD, SUB, MUL, MAXIMUM, ...):
 * two inputs of element type `type`, one output of type `out_type`, input shapes that broadcast
 * to the output's. The kernel's params struct starts with its hil_broadcast, which this fills.
 * Header-only (static inline). */
#ifndef HIL_BINARY_H
#define HIL_BINARY_H
#include <stddef.h>
#include <string.h>

#include "broadcast.h"
#include "graph.h"
#include "hil_protocol.h"
#include "quant.h"

/* The refusal of a kernel of element type `type` given other types. */
static inline const char *hil_binary_type_message(int type)
{
    switch (type) {
    case HIL_FLOAT32: return "float32 kernel: inputs and output must be float32";
    case HIL_INT16: return "int16 kernel: inputs and output must be int16";
    case HIL_INT32: return "int32 kernel: inputs and output must be int32";
    case HIL_INT64: return "int64 kernel: inputs and output must be int64";
    default: return "only int8 inputs and output are supported";
    }
}

/* Checks the node (inputs of types `type1` and `type2`, output of `out_type`), allocates `size`
 * bytes of parameters (first member: a hil_broadcast) and fills the broadcast. Returns the
 * parameters, or NULL with *status set to the refusal. */
static inline void *hil_binary_prepare_types(hil_graph *g, hil_node *node, int type1, int type2, int out_type,
                                             size_t size, const char *type_message, int *status)
{
    hil_tensor *in1 = hil_node_input(g, node, 0);
    hil_tensor *in2 = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    *status = HIL_OK;
    if (hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 1 || !in1 || !in2 || !out)
        *status = hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs two inputs and one output");
    else if (in1->type != type1 || in2->type != type2 || out->type != out_type)
        *status = hil_reject(g, node, HIL_ERR_UNSUPPORTED, type_message);
    if (*status != HIL_OK)
        return NULL;
    hil_broadcast *bc = hil_persistent_alloc(g, size);
    if (!bc) {
        *status = hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
        return NULL;
    }
    if (hil_broadcast_prepare(in1, in2, out, bc) != 0) {
        *status = hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input shapes do not broadcast to the output shape");
        return NULL;
    }
    return bc;
}

/* hil_binary_prepare_types for two inputs of element type `type`. */
static inline void *hil_binary_prepare(hil_graph *g, hil_node *node, int type, int out_type, size_t size,
                                       const char *type_message, int *status)
{
    return hil_binary_prepare_types(g, node, type, type, out_type, size, type_message, status);
}

/* The prepare of a kernel that needs nothing but the broadcast (inputs and output of `type`). */
static inline int hil_binary_prepare_broadcast(hil_graph *g, hil_node *node, int type)
{
    int status;
    node->params =
        hil_binary_prepare(g, node, type, type, sizeof(hil_broadcast), hil_binary_type_message(type), &status);
    return status;
}

/* Eval of a binary kernel whose params start with the hil_broadcast. */
static inline int hil_binary_eval(hil_graph *g, hil_node *node, hil_broadcast_row_any row)
{
    const hil_broadcast *bc = node->params;
    hil_broadcast_run(bc, hil_node_input(g, node, 0)->data, hil_node_input(g, node, 1)->data,
                      hil_node_output(g, node, 0)->data, row, node->params);
    return HIL_OK;
}

/* A row function for hil_binary_eval: element i of the output (out_ctype) is `expr` of x and y,
 * elements of the inputs (ctype) at their steps. memcpy: the arena aligns tensors to 4 bytes,
 * not to 8 (int64). */
#define HIL_BINARY_ROW(symbol, ctype, out_ctype, expr)                                            \
    static void symbol##_row(const void *params, const void *in1, int32_t step1, const void *in2, \
                             int32_t step2, void *out, int32_t n)                                 \
    {                                                                                             \
        (void)params;                                                                             \
        const unsigned char *a = in1, *b = in2;                                                   \
        unsigned char *o = out;                                                                   \
        const int32_t da = step1 * (int32_t)sizeof(ctype), db = step2 * (int32_t)sizeof(ctype);  \
        for (int32_t i = 0; i < n; i++, a += da, b += db) {                                       \
            ctype x, y;                                                                           \
            memcpy(&x, a, sizeof x);                                                              \
            memcpy(&y, b, sizeof y);                                                              \
            out_ctype r = (out_ctype)(expr);                                                      \
            memcpy(o + (size_t)i * sizeof r, &r, sizeof r);                                       \
        }                                                                                         \
    }

#endif
