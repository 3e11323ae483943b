/* LOGICAL_AND and LOGICAL_OR: two broadcasting bool inputs, a bool output (TFLM's
 * BinaryFunction / BroadcastBinaryFunction4DSlow, which visit the same elements). Bools are
 * bytes 0 or 1, as C++'s. Header-only. */
#ifndef HIL_LOGICAL_H
#define HIL_LOGICAL_H
#include "binary.h"

#define HIL_LOGICAL_KERNEL(symbol, code, name, op)                                                \
    static int symbol##_prepare(hil_graph *g, hil_node *node)                                     \
    {                                                                                             \
        int status;                                                                               \
        node->params = hil_binary_prepare(g, node, HIL_BOOL, HIL_BOOL, sizeof(hil_broadcast),     \
                                          "inputs and output must be bool", &status);             \
        return status;                                                                            \
    }                                                                                             \
    HIL_BINARY_ROW(symbol, uint8_t, uint8_t, x op y)                                              \
    static int symbol##_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, symbol##_row); } \
    const hil_kernel symbol = {code, name, symbol##_prepare, symbol##_eval};

#endif
