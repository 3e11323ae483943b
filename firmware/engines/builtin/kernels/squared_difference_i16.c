/* SQUARED_DIFFERENCE, int16, with broadcasting (kernels/squared_difference.h). */
#include "squared_difference.h"

static int squared_difference_i16_prepare(hil_graph *g, hil_node *node)
{
    return hil_squared_difference_prepare(g, node, HIL_INT16);
}

static void squared_difference_i16_row(const void *params, const void *in1, int32_t step1, const void *in2,
                                       int32_t step2, void *out, int32_t n)
{
    const int16_t *a = in1, *b = in2;
    int16_t *o = out;
    for (int32_t i = 0; i < n; i++, a += step1, b += step2)
        o[i] = (int16_t)hil_squared_difference_element(params, *a, *b);
}

static int squared_difference_i16_eval(hil_graph *g, hil_node *node)
{
    return hil_binary_eval(g, node, squared_difference_i16_row);
}

const hil_kernel hil_kernel_squared_difference_i16 = {99, "SQUARED_DIFFERENCE", squared_difference_i16_prepare,
                                                      squared_difference_i16_eval};
