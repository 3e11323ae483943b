/* ADD, int16 (16x8 models), with broadcasting and a fused activation: TFLM's general-scale int16
 * path (AddGeneralParamScale: the int8 arithmetic with a left shift of 15; kernels/add_sub.h). */
#include "add_sub.h"

static int add_i16_prepare(hil_graph *g, hil_node *node)
{
    return hil_add_sub_prepare(g, node, HIL_INT16, "int16 kernel: inputs and output must be int16");
}

static void add_i16_row(const void *params, const void *in1, int32_t step1, const void *in2, int32_t step2,
                        void *out, int32_t n)
{
    const int16_t *a = in1, *b = in2;
    int16_t *o = out;
    for (int32_t i = 0; i < n; i++, a += step1, b += step2)
        o[i] = (int16_t)hil_add_sub_element(params, *a, *b, HIL_ADD_SUB_LEFT_SHIFT_INT16, 0);
}

static int add_i16_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, add_i16_row); }

const hil_kernel hil_kernel_add_i16 = {0, "ADD", add_i16_prepare, add_i16_eval};
