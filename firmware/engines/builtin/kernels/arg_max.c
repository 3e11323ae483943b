/* ARG_MAX, int8 (arg_min_max.h). */
#include "arg_min_max.h"

static int arg_max_prepare(hil_graph *g, hil_node *node) { return hil_arg_prepare(g, node, HIL_INT8); }

HIL_ARG_EVAL(arg_max_eval, int8_t, >)

const hil_kernel hil_kernel_arg_max = {56, "ARG_MAX", arg_max_prepare, arg_max_eval};
