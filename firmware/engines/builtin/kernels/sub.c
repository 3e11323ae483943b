/* SUB, int8, with broadcasting and a fused activation: TFLM's reference_ops::SubElementwise
 * (kernels/add_sub.h). */
#include "add_sub.h"

static int sub_prepare(hil_graph *g, hil_node *node)
{
    return hil_add_sub_prepare(g, node, HIL_INT8, "only int8 inputs and output are supported");
}

static void sub_row(const void *params, const void *in1, int32_t step1, const void *in2, int32_t step2, void *out,
                    int32_t n)
{
    const int8_t *a = in1, *b = in2;
    int8_t *o = out;
    for (int32_t i = 0; i < n; i++, a += step1, b += step2)
        o[i] = (int8_t)hil_add_sub_element(params, *a, *b, HIL_ADD_SUB_LEFT_SHIFT_INT8, 1);
}

static int sub_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, sub_row); }

const hil_kernel hil_kernel_sub = {41, "SUB", sub_prepare, sub_eval};
