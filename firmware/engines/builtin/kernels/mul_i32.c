/* MUL, int32 (unquantized), with broadcasting and a fused activation: TFLM's reference_ops::Mul
 * and BroadcastMul6DSlow on int32 (a wrapping product, then the activation clamp). */
#include "arith_i32.h"

enum { MUL_OPT_ACTIVATION = 0 };

static int mul_i32_prepare(hil_graph *g, hil_node *node)
{
    return hil_i32_prepare(g, node, hil_fb_i8(&g->fb, &node->options, MUL_OPT_ACTIVATION, 0), 0);
}

static void mul_i32_row(const void *params, const void *in1, int32_t step1, const void *in2, int32_t step2,
                        void *out, int32_t n)
{
    const hil_i32_params *p = params;
    const int32_t *a = in1, *b = in2;
    int32_t *o = out;
    for (int32_t i = 0; i < n; i++, a += step1, b += step2)
        o[i] = hil_clamp(hil_wrap_mul(*a, *b), p->act_min, p->act_max);
}

static int mul_i32_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, mul_i32_row); }

const hil_kernel hil_kernel_mul_i32 = {18, "MUL", mul_i32_prepare, mul_i32_eval};
