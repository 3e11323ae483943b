/* REDUCE_MAX, int8 (reduce_min_max.h). */
#include "reduce_min_max.h"

static int reduce_max_prepare(hil_graph *g, hil_node *node) { return hil_reduce_prepare(g, node, HIL_INT8); }

HIL_REDUCE_EVAL(reduce_max_eval, int8_t, INT8_MIN, >)

const hil_kernel hil_kernel_reduce_max = {82, "REDUCE_MAX", reduce_max_prepare, reduce_max_eval};
