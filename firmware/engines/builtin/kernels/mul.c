/* MUL, int8, with broadcasting and a fused activation (kernels/mul.h). */
#include "mul.h"

static int mul_prepare(hil_graph *g, hil_node *node)
{
    return hil_mul_prepare(g, node, HIL_INT8, "only int8 inputs and output are supported");
}

static void mul_row(const void *params, const void *in1, int32_t step1, const void *in2, int32_t step2, void *out,
                    int32_t n)
{
    const int8_t *a = in1, *b = in2;
    int8_t *o = out;
    for (int32_t i = 0; i < n; i++, a += step1, b += step2)
        o[i] = (int8_t)hil_mul_element(params, *a, *b);
}

static int mul_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, mul_row); }

const hil_kernel hil_kernel_mul = {18, "MUL", mul_prepare, mul_eval};
