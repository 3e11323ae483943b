/* PRELU, int8 input and alpha (kernels/prelu.h). */
#include "prelu.h"

static int prelu_prepare(hil_graph *g, hil_node *node)
{
    return hil_prelu_prepare(g, node, HIL_INT8, "only int8 input, alpha and output are supported");
}

static void prelu_row(const void *params, const void *in1, int32_t step1, const void *in2, int32_t step2, void *out,
                      int32_t n)
{
    const int8_t *x = in1, *alpha = in2;
    int8_t *o = out;
    for (int32_t i = 0; i < n; i++, x += step1, alpha += step2)
        o[i] = (int8_t)hil_prelu_element(params, *x, *alpha, INT8_MIN, INT8_MAX);
}

static int prelu_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, prelu_row); }

const hil_kernel hil_kernel_prelu = {54, "PRELU", prelu_prepare, prelu_eval};
