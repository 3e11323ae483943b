/* Shared by the int32 ADD, SUB and MUL kernels (unquantized int32 tensors): the prepare, which
 * also takes the fused activation range as TFLM's CalculateActivationRange<int32_t> gives it.
 * Arithmetic wraps in two's complement, as TFLM's does on every target it runs on. Header-only. */
#ifndef HIL_ARITH_I32_H
#define HIL_ARITH_I32_H
#include "binary.h"
#include "quant.h"

typedef struct {
    hil_broadcast bc; /* first: hil_binary_prepare fills it */
    int32_t act_min, act_max;
} hil_i32_params;

enum { HIL_I32_OPT_ACTIVATION = 0 }; /* SubOptions, MulOptions, DivOptions */

/* `fused`: the node's fused activation applies (0: TFLM ignores it, ADD and SQUARED_DIFFERENCE);
 * `quantized_check`: which tensors must be unquantized (bit 0 input 1, bit 1 input 2, bit 2
 * output), as TFLM's prepare checks. */
static inline int hil_i32_prepare(hil_graph *g, hil_node *node, int fused, unsigned quantized_check)
{
    int status;
    hil_i32_params *p = hil_binary_prepare(g, node, HIL_INT32, HIL_INT32, sizeof *p,
                                           "int32 kernel: inputs and output must be int32", &status);
    if (!p)
        return status;
    const hil_tensor *t[3] = {hil_node_input(g, node, 0), hil_node_input(g, node, 1), hil_node_output(g, node, 0)};
    for (int i = 0; i < 3; i++)
        if ((quantized_check >> i & 1) && hil_is_quantized(t[i]))
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int32 tensors must not be quantized (as in TFLM)");
    int activation = fused ? hil_fb_i8(&g->fb, &node->options, HIL_I32_OPT_ACTIVATION, 0) : -1;
    p->act_min = INT32_MIN;
    p->act_max = INT32_MAX;
    if (activation == HIL_ACT_RELU) {
        p->act_min = 0;
    } else if (activation == HIL_ACT_RELU6) {
        p->act_min = 0, p->act_max = 6;
    } else if (activation == HIL_ACT_RELU_N1_TO_1) {
        p->act_min = -1, p->act_max = 1;
    }
    node->params = p;
    return HIL_OK;
}

/* The fused activation's clamp, in a row of HIL_BINARY_ROW (params: hil_i32_params). */
static inline int32_t hil_i32_out(const void *params, int32_t v)
{
    const hil_i32_params *p = params;
    return hil_clamp(v, p->act_min, p->act_max);
}

static inline int32_t hil_wrap_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static inline int32_t hil_wrap_sub(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }
static inline int32_t hil_wrap_mul(int32_t a, int32_t b) { return (int32_t)((uint32_t)a * (uint32_t)b); }

#endif
