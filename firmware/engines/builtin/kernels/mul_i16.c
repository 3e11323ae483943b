/* MUL, int16 (16x8 models, zero points 0), with broadcasting and a fused activation
 * (kernels/mul.h). */
#include "mul.h"

static int mul_i16_prepare(hil_graph *g, hil_node *node)
{
    return hil_mul_prepare(g, node, HIL_INT16, "int16 kernel: inputs and output must be int16");
}

static void mul_i16_row(const void *params, const void *in1, int32_t step1, const void *in2, int32_t step2,
                        void *out, int32_t n)
{
    const int16_t *a = in1, *b = in2;
    int16_t *o = out;
    for (int32_t i = 0; i < n; i++, a += step1, b += step2)
        o[i] = (int16_t)hil_mul_element(params, *a, *b);
}

static int mul_i16_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, mul_i16_row); }

const hil_kernel hil_kernel_mul_i16 = {18, "MUL", mul_i16_prepare, mul_i16_eval};
