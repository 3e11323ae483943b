/* ARG_MIN, int8 (arg_min_max.h). */
#include "arg_min_max.h"

static int arg_min_prepare(hil_graph *g, hil_node *node) { return hil_arg_prepare(g, node, HIL_INT8); }

HIL_ARG_EVAL(arg_min_eval, int8_t, <)

const hil_kernel hil_kernel_arg_min = {79, "ARG_MIN", arg_min_prepare, arg_min_eval};
