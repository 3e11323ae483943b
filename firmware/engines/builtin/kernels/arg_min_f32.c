/* ARG_MIN, float32 (arg_min_max.h). */
#include "arg_min_max.h"

static int arg_min_f32_prepare(hil_graph *g, hil_node *node) { return hil_arg_prepare(g, node, HIL_FLOAT32); }

HIL_ARG_EVAL(arg_min_f32_eval, float, <)

const hil_kernel hil_kernel_arg_min_f32 = {79, "ARG_MIN", arg_min_f32_prepare, arg_min_f32_eval};
