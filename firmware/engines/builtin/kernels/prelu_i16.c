/* PRELU, int16 input and output with int8 alpha, as TFLM requires (kernels/prelu.h). */
#include "prelu.h"

static int prelu_i16_prepare(hil_graph *g, hil_node *node)
{
    return hil_prelu_prepare(g, node, HIL_INT16, "int16 kernel: int16 input and output, int8 alpha (as in TFLM)");
}

static void prelu_i16_row(const void *params, const void *in1, int32_t step1, const void *in2, int32_t step2,
                          void *out, int32_t n)
{
    const int16_t *x = in1;
    const int8_t *alpha = in2;
    int16_t *o = out;
    for (int32_t i = 0; i < n; i++, x += step1, alpha += step2)
        o[i] = (int16_t)hil_prelu_element(params, *x, *alpha, INT16_MIN, INT16_MAX);
}

static int prelu_i16_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, prelu_i16_row); }

const hil_kernel hil_kernel_prelu_i16 = {54, "PRELU", prelu_i16_prepare, prelu_i16_eval};
