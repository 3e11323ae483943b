/* REDUCE_MIN, int8 (reduce_min_max.h). */
#include "reduce_min_max.h"

static int reduce_min_prepare(hil_graph *g, hil_node *node) { return hil_reduce_prepare(g, node, HIL_INT8); }

HIL_REDUCE_EVAL(reduce_min_eval, int8_t, INT8_MAX, <)

const hil_kernel hil_kernel_reduce_min = {89, "REDUCE_MIN", reduce_min_prepare, reduce_min_eval};
