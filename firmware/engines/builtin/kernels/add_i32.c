/* ADD, int32 (unquantized), with broadcasting: TFLM's reference_ops::Add / BroadcastAdd6DSlow
 * on int32, which ignore the fused activation. */
#include "arith_i32.h"

static int add_i32_prepare(hil_graph *g, hil_node *node) { return hil_i32_prepare(g, node, 0, 3); }

static void add_i32_row(const void *params, const void *in1, int32_t step1, const void *in2, int32_t step2,
                        void *out, int32_t n)
{
    const int32_t *a = in1, *b = in2;
    int32_t *o = out;
    for (int32_t i = 0; i < n; i++, a += step1, b += step2)
        o[i] = hil_wrap_add(*a, *b);
}

static int add_i32_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, add_i32_row); }

const hil_kernel hil_kernel_add_i32 = {0, "ADD", add_i32_prepare, add_i32_eval};
