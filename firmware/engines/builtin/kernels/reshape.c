/* RESHAPE: a byte copy into the output's static shape (copy.h); the shape input is optional. */
#include "copy.h"

static int reshape_prepare(hil_graph *g, hil_node *node)
{
    return hil_copy_prepare(g, node, 1, 2, "needs an input, an optional shape and one output");
}

const hil_kernel hil_kernel_reshape = {22, "RESHAPE", reshape_prepare, hil_copy_eval};
