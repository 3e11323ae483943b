/* SUB, float32, with NumPy-style broadcasting and a fused activation: TFLM's
 * reference_ops::SubWithActivation / BroadcastSubSlow, out = clamp(a - b). */
#include "arith_f32.h"

static void sub_f32_row(const void *params, const void *in1, int32_t step1, const void *in2, int32_t step2,
                        void *out, int32_t n)
{
    const hil_f32_arith_params *p = params;
    const float *a = in1, *b = in2;
    float *o = out;
    for (int32_t i = 0; i < n; i++, a += step1, b += step2)
        o[i] = hil_f32_clamp(*a - *b, p->act_min, p->act_max);
}

static int sub_f32_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, sub_f32_row); }

const hil_kernel hil_kernel_sub_f32 = {41, "SUB", hil_f32_arith_prepare, sub_f32_eval};
