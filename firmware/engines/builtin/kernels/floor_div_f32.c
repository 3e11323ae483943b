/* FLOOR_DIV, float32, with broadcasting: TFLM's reference_ops::FloorDiv, floor of the quotient
 * computed in double. A zero anywhere in the divisor fails the invoke, as TFLM checks before
 * dividing. */
#include <math.h>

#include "binary.h"
#include "common_f32.h"

static int floor_div_f32_prepare(hil_graph *g, hil_node *node)
{
    return hil_binary_prepare_broadcast(g, node, HIL_FLOAT32);
}

HIL_BINARY_ROW(floor_div_f32, float, float, (float)floor((double)x / (double)y))

static int floor_div_f32_eval(hil_graph *g, hil_node *node)
{
    const hil_tensor *divisor = hil_node_input(g, node, 1);
    const float *d = (const float *)(const void *)divisor->data;
    for (uint32_t i = 0, n = hil_num_elements(divisor); i < n; i++)
        if (d[i] == 0.0f)
            return HIL_ERR_INVOKE_FAILED;
    return hil_binary_eval(g, node, floor_div_f32_row);
}

const hil_kernel hil_kernel_floor_div_f32 = {90, "FLOOR_DIV", floor_div_f32_prepare, floor_div_f32_eval};
