/* MAXIMUM and MINIMUM of two broadcasting tensors of one element type: TFLM's
 * MaximumMinimumBroadcastSlow with el1 > el2 ? el1 : el2 (and <). No quantization is involved:
 * TFLM compares the stored values (the converter gives both inputs and the output one scale),
 * and it has no prepare, so only the tensor checks refuse a model. HIL_MAX_MIN_KERNEL defines
 * one (operator, type) kernel; int64 elements are read with memcpy (the arena aligns them to 4). */
#ifndef HIL_MAXIMUM_MINIMUM_H
#define HIL_MAXIMUM_MINIMUM_H
#include "binary.h"

typedef struct {
    hil_broadcast bc; /* first: hil_binary_prepare fills it */
} hil_max_min_params;

#define HIL_MAX_MIN_KERNEL(symbol, code, name, type, ctype, op)                                  \
    static int symbol##_prepare(hil_graph *g, hil_node *node)                                                 \
    {                                                                                                         \
        int status;                                                                                           \
        node->params = hil_binary_prepare(g, node, type, type, sizeof(hil_max_min_params),                    \
                                          hil_binary_type_message(type), &status);                            \
        return status;                                                                                        \
    }                                                                                                         \
    HIL_BINARY_ROW(symbol, ctype, ctype, x op y ? x : y)                                                      \
    static int symbol##_eval(hil_graph *g, hil_node *node)                                                    \
    {                                                                                                         \
        return hil_binary_eval(g, node, symbol##_row);                                                        \
    }                                                                                                         \
    const hil_kernel symbol = {code, name, symbol##_prepare, symbol##_eval};

#endif
