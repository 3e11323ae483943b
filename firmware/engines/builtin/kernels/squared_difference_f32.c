/* SQUARED_DIFFERENCE, float32, with broadcasting: TFLM's (a - b) * (a - b). */
#include "binary.h"
#include "common_f32.h"

static int squared_difference_f32_prepare(hil_graph *g, hil_node *node)
{
    return hil_binary_prepare_broadcast(g, node, HIL_FLOAT32);
}

HIL_BINARY_ROW(squared_difference_f32, float, float, (x - y) * (x - y))

static int squared_difference_f32_eval(hil_graph *g, hil_node *node)
{
    return hil_binary_eval(g, node, squared_difference_f32_row);
}

const hil_kernel hil_kernel_squared_difference_f32 = {99, "SQUARED_DIFFERENCE", squared_difference_f32_prepare,
                                                      squared_difference_f32_eval};
