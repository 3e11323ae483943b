/* ARG_MAX, float32 (arg_min_max.h). */
#include "arg_min_max.h"

static int arg_max_f32_prepare(hil_graph *g, hil_node *node) { return hil_arg_prepare(g, node, HIL_FLOAT32); }

HIL_ARG_EVAL(arg_max_f32_eval, float, >)

const hil_kernel hil_kernel_arg_max_f32 = {56, "ARG_MAX", arg_max_f32_prepare, arg_max_f32_eval};
