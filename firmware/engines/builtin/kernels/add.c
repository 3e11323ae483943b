/* ADD, int8, with broadcasting and a fused activation: TFLM's reference_integer_ops::AddFunc
 * (kernels/add_sub.h has the arithmetic, shared with int16 and with SUB). */
#include "add_sub.h"
#include "mve.h"

/* The Helium path of a row (add_mve.c, HIL_MVE_KERNELS). */
void hil_add_mve_row(const hil_add_sub_params *p, const int8_t *a, int32_t step1, const int8_t *b, int32_t step2,
                     int8_t *out, int32_t n);

static int add_prepare(hil_graph *g, hil_node *node) { return hil_add_sub_prepare(g, node, HIL_INT8); }

static void add_row(const void *params, const void *in1, int32_t step1, const void *in2, int32_t step2, void *out,
                    int32_t n)
{
    const int8_t *a = in1, *b = in2;
    int8_t *o = out;
#if HIL_MVE_KERNELS
    if (hil_opt_enabled) {
        hil_add_mve_row(params, a, step1, b, step2, o, n);
        return;
    }
#endif
    for (int32_t i = 0; i < n; i++, a += step1, b += step2)
        o[i] = (int8_t)hil_add_sub_element(params, *a, *b, HIL_ADD_SUB_LEFT_SHIFT_INT8, 0);
}

static int add_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, add_row); }

const hil_kernel hil_kernel_add = {0, "ADD", add_prepare, add_eval};
