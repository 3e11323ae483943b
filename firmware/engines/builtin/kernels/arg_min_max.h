/* ARG_MAX and ARG_MIN, int8 and float32: TFLM's reference ArgMinMax. Along one constant int32
 * axis (negative counts from the end), the index (int32 output, as TFLM) of the first element
 * that no later element beats strictly (`>` for max, `<` for min), so ties keep the first
 * index. Header-only. */
#ifndef HIL_ARG_MIN_MAX_H
#define HIL_ARG_MIN_MAX_H
#include "graph.h"
#include "hil_protocol.h"

typedef struct {
    int32_t outer, axis_size, inner;
} hil_arg_params;

static inline int hil_arg_prepare(hil_graph *g, hil_node *node, int type)
{
    hil_tensor *in = hil_node_input(g, node, 0), *axis = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 1 || !in || !axis || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, an axis and one output");
    if (in->type != type)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input type does not match the kernel");
    if (out->type != HIL_INT32)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "output must be int32 (as in TFLM; use output_type=tf.int32)");
    if (axis->type != HIL_INT32 || !axis->is_const || hil_num_elements(axis) != 1)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "axis must be one constant int32 value (as in TFLM)");
    int32_t a = (int32_t)hil_le32(axis->data);
    if (a < 0)
        a += in->ndim;
    if (a < 0 || a >= in->ndim || out->ndim != in->ndim - 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "axis out of range or output rank is not input rank - 1");
    hil_arg_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->outer = p->inner = 1;
    for (int d = 0; d < in->ndim; d++) {
        if (d != a && out->dims[d < a ? d : d - 1] != in->dims[d])
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output shape is not the input shape without the axis");
        if (d < a)
            p->outer *= in->dims[d];
        else if (d > a)
            p->inner *= in->dims[d];
    }
    p->axis_size = in->dims[a];
    node->params = p;
    return HIL_OK;
}

/* Defines `static int NAME(hil_graph *, hil_node *)` over elements of type T, `OP` `>` or `<`. */
#define HIL_ARG_EVAL(NAME, T, OP)                                                                 \
    static int NAME(hil_graph *g, hil_node *node)                                                 \
    {                                                                                             \
        const hil_arg_params *p = node->params;                                                   \
        const T *in = (const T *)(const void *)hil_node_input(g, node, 0)->data;                 \
        int32_t *out = (int32_t *)(void *)hil_node_output(g, node, 0)->data;                     \
        for (int32_t o = 0; o < p->outer; o++) {                                                  \
            const T *row = in + (size_t)o * (size_t)p->axis_size * (size_t)p->inner;              \
            for (int32_t k = 0; k < p->inner; k++) {                                              \
                T best = row[k];                                                                  \
                int32_t index = 0;                                                                \
                for (int32_t i = 1; i < p->axis_size; i++)                                        \
                    if (row[(size_t)i * (size_t)p->inner + (size_t)k] OP best) {                  \
                        best = row[(size_t)i * (size_t)p->inner + (size_t)k];                     \
                        index = i;                                                                \
                    }                                                                             \
                out[o * p->inner + k] = index;                                                    \
            }                                                                                     \
        }                                                                                         \
        return HIL_OK;                                                                            \
    }

#endif
