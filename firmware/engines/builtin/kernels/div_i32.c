/* DIV, int32 (unquantized), with broadcasting and a fused activation: TFLM's reference_ops::Div
 * and BroadcastDivSlow on int32, C's truncating division. TFLM divides by zero (a trap on x86,
 * 0 on Cortex-M) and overflows INT32_MIN / -1 there; the engine gives what Cortex-M's SDIV
 * gives: 0 and INT32_MIN. */
#include "arith_i32.h"

static int div_i32_prepare(hil_graph *g, hil_node *node)
{
    return hil_i32_prepare(g, node, 1, 3);
}

static int32_t div_truncating(int32_t a, int32_t b)
{
    if (b == 0)
        return 0;
    return b == -1 ? (int32_t)(0u - (uint32_t)a) : a / b;
}

static void div_i32_row(const void *params, const void *in1, int32_t step1, const void *in2, int32_t step2,
                        void *out, int32_t n)
{
    const hil_i32_params *p = params;
    const int32_t *a = in1, *b = in2;
    int32_t *o = out;
    for (int32_t i = 0; i < n; i++, a += step1, b += step2)
        o[i] = hil_clamp(div_truncating(*a, *b), p->act_min, p->act_max);
}

static int div_i32_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, div_i32_row); }

const hil_kernel hil_kernel_div_i32 = {42, "DIV", div_i32_prepare, div_i32_eval};
