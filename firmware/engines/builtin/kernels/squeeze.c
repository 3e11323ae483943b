/* SQUEEZE: a byte copy into the output's static shape (copy.h), as TFLM's. */
#include "copy.h"

static int squeeze_prepare(hil_graph *g, hil_node *node)
{
    return hil_copy_prepare(g, node, 1, 1, "needs one input and one output");
}

const hil_kernel hil_kernel_squeeze = {43, "SQUEEZE", squeeze_prepare, hil_copy_eval};
