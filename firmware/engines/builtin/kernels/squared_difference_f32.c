/* SQUARED_DIFFERENCE, float32, with broadcasting: TFLM's (a - b) * (a - b). */
#include "binary.h"
#include "common_f32.h"

static int squared_difference_f32_prepare(hil_graph *g, hil_node *node)
{
    return hil_binary_prepare_broadcast(g, node, HIL_FLOAT32);
}

static void squared_difference_f32_row(const void *params, const void *in1, int32_t step1, const void *in2,
                                       int32_t step2, void *out, int32_t n)
{
    const float *a = in1, *b = in2;
    float *o = out;
    for (int32_t i = 0; i < n; i++, a += step1, b += step2) {
        float d = *a - *b;
        o[i] = d * d;
    }
}

static int squared_difference_f32_eval(hil_graph *g, hil_node *node)
{
    return hil_binary_eval(g, node, squared_difference_f32_row);
}

const hil_kernel hil_kernel_squared_difference_f32 = {99, "SQUARED_DIFFERENCE", squared_difference_f32_prepare,
                                                      squared_difference_f32_eval};
