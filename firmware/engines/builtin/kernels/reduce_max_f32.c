/* REDUCE_MAX, float32 (reduce_min_max.h). */
#include <float.h>

#include "reduce_min_max.h"

static int reduce_max_f32_prepare(hil_graph *g, hil_node *node) { return hil_reduce_prepare(g, node, HIL_FLOAT32); }

HIL_REDUCE_EVAL(reduce_max_f32_eval, float, -FLT_MAX, >)

const hil_kernel hil_kernel_reduce_max_f32 = {82, "REDUCE_MAX", reduce_max_f32_prepare, reduce_max_f32_eval};
