/* SQUARED_DIFFERENCE, int16, with broadcasting (kernels/squared_difference.h). */
#include "squared_difference.h"

static int squared_difference_i16_prepare(hil_graph *g, hil_node *node)
{
    return hil_squared_difference_prepare(g, node, HIL_INT16);
}

HIL_BINARY_ROW(squared_difference_i16, int16_t, int16_t, hil_squared_difference_element(params, x, y))

static int squared_difference_i16_eval(hil_graph *g, hil_node *node)
{
    return hil_binary_eval(g, node, squared_difference_i16_row);
}

const hil_kernel hil_kernel_squared_difference_i16 = {99, "SQUARED_DIFFERENCE", squared_difference_i16_prepare,
                                                      squared_difference_i16_eval};
