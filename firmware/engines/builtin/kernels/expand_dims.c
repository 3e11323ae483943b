/* EXPAND_DIMS (Keras Conv1D converts to EXPAND_DIMS + CONV_2D): a byte copy into the output's
 * static shape (copy.h); the axis input only decided that shape at conversion. */
#include "copy.h"

static int expand_dims_prepare(hil_graph *g, hil_node *node)
{
    return hil_copy_prepare(g, node, 2, 2, "needs an input, an axis and one output");
}

const hil_kernel hil_kernel_expand_dims = {70, "EXPAND_DIMS", expand_dims_prepare, hil_copy_eval};
