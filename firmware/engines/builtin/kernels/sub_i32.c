/* SUB, int32 (unquantized), with broadcasting and a fused activation: TFLM's
 * reference_ops::SubWithActivation / BroadcastSubSlow on int32. */
#include "arith_i32.h"

enum { SUB_OPT_ACTIVATION = 0 };

static int sub_i32_prepare(hil_graph *g, hil_node *node)
{
    return hil_i32_prepare(g, node, hil_fb_i8(&g->fb, &node->options, SUB_OPT_ACTIVATION, 0), 7);
}

static void sub_i32_row(const void *params, const void *in1, int32_t step1, const void *in2, int32_t step2,
                        void *out, int32_t n)
{
    const hil_i32_params *p = params;
    const int32_t *a = in1, *b = in2;
    int32_t *o = out;
    for (int32_t i = 0; i < n; i++, a += step1, b += step2)
        o[i] = hil_clamp(hil_wrap_sub(*a, *b), p->act_min, p->act_max);
}

static int sub_i32_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, sub_i32_row); }

const hil_kernel hil_kernel_sub_i32 = {41, "SUB", sub_i32_prepare, sub_i32_eval};
