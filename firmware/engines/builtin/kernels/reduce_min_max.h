/* REDUCE_MAX and REDUCE_MIN (int8, float32), REDUCE_ALL (bool): TFLM's ReduceGeneric with its min/max compare.
 * The reduction's shape is MEAN's (mean.h: constant int32 axes, negative and repeated axes
 * resolved, keep_dims); each output starts at the type's lowest (max) or highest (min) value,
 * float -FLT_MAX / FLT_MAX, not infinities, and takes an input when `in > out` (max) or
 * `in < out` (min), in input order, so NaN inputs are skipped as in TFLM. int8 needs equal input
 * and output quantization (TFLM checks it in Eval; here at load). Header-only. */
#ifndef HIL_REDUCE_MIN_MAX_H
#define HIL_REDUCE_MIN_MAX_H
#include "mean.h"

static inline int hil_reduce_prepare(hil_graph *g, hil_node *node, int type)
{
    hil_mean_params *p = 0;
    int status = hil_mean_prepare_shape(g, node, type, &p);
    if (status != HIL_OK)
        return status;
    const hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    if (type == HIL_INT8 && (in->scale != out->scale || in->zero_point != out->zero_point))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input and output quantization must be equal (as in TFLM)");
    node->params = p;
    return HIL_OK;
}

/* Defines `static int NAME(hil_graph *, hil_node *)` reducing elements of type T from INIT with
 * `a OP b` (a: input, b: the output so far). */
#define HIL_REDUCE_EVAL(NAME, T, INIT, OP)                                                        \
    static int NAME(hil_graph *g, hil_node *node)                                                 \
    {                                                                                             \
        const hil_mean_params *p = node->params;                                                  \
        const T *input = (const T *)(const void *)hil_node_input(g, node, 0)->data;              \
        T *out = (T *)(void *)hil_node_output(g, node, 0)->data;                                 \
        int32_t idx[HIL_MAX_DIMS] = {0};                                                          \
        uint32_t o = 0;                                                                           \
        for (uint32_t k = 0; k < p->out_elems; k++)                                               \
            out[k] = (INIT);                                                                      \
        for (uint32_t i = 0; i < p->in_elems; i++) {                                              \
            if (input[i] OP out[o])                                                               \
                out[o] = input[i];                                                                \
            hil_reduce_step(p, idx, &o);                                                          \
        }                                                                                         \
        return HIL_OK;                                                                            \
    }

#endif
