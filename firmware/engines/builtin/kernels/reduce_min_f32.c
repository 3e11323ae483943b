/* REDUCE_MIN, float32 (reduce_min_max.h). */
#include <float.h>

#include "reduce_min_max.h"

static int reduce_min_f32_prepare(hil_graph *g, hil_node *node) { return hil_reduce_prepare(g, node, HIL_FLOAT32); }

HIL_REDUCE_EVAL(reduce_min_f32_eval, float, FLT_MAX, <)

const hil_kernel hil_kernel_reduce_min_f32 = {89, "REDUCE_MIN", reduce_min_f32_prepare, reduce_min_f32_eval};
