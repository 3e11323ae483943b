/* SQUARED_DIFFERENCE, int8, with broadcasting (kernels/squared_difference.h). */
#include "squared_difference.h"

static int squared_difference_prepare(hil_graph *g, hil_node *node)
{
    return hil_squared_difference_prepare(g, node, HIL_INT8);
}

HIL_BINARY_ROW(squared_difference, int8_t, int8_t, hil_squared_difference_element(params, x, y))

static int squared_difference_eval(hil_graph *g, hil_node *node)
{
    return hil_binary_eval(g, node, squared_difference_row);
}

const hil_kernel hil_kernel_squared_difference = {99, "SQUARED_DIFFERENCE", squared_difference_prepare,
                                                  squared_difference_eval};
