/* REDUCE_ALL, bool: TFLM's ReduceGeneric from true with `in && current`. Bools are bytes 0 or 1,
 * so this is the minimum from 1 (reduce_min_max.h's loop). */
#include "reduce_min_max.h"

static int reduce_all_prepare(hil_graph *g, hil_node *node) { return hil_reduce_prepare(g, node, HIL_BOOL); }

HIL_REDUCE_EVAL(reduce_all_eval, uint8_t, 1, <)

const hil_kernel hil_kernel_reduce_all = {140, "REDUCE_ALL", reduce_all_prepare, reduce_all_eval};
