/* Shared by the float32 ADD, SUB, MUL and DIV kernels: the prepare (broadcast and the fused
 * activation of option 0). Each kernel keeps its own row arithmetic. Header-only. */
#ifndef HIL_ARITH_F32_H
#define HIL_ARITH_F32_H
#include "binary.h"
#include "common_f32.h"

enum { HIL_F32_ARITH_OPT_ACTIVATION = 0 }; /* AddOptions, SubOptions, MulOptions, DivOptions */

typedef struct {
    hil_broadcast bc; /* first: hil_binary_prepare fills it */
    float act_min, act_max;
} hil_f32_arith_params;

static inline int hil_f32_arith_prepare(hil_graph *g, hil_node *node)
{
    int status;
    hil_f32_arith_params *p = hil_binary_prepare(g, node, HIL_FLOAT32, HIL_FLOAT32, sizeof *p,
                                                 hil_binary_type_message(HIL_FLOAT32), &status);
    if (!p)
        return status;
    int activation = hil_fb_i8(&g->fb, &node->options, HIL_F32_ARITH_OPT_ACTIVATION, 0);
    if (!hil_f32_activation_range(activation, &p->act_min, &p->act_max))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "fused activation must be NONE, RELU, RELU6 or RELU_N1_TO_1");
    node->params = p;
    return HIL_OK;
}

/* The fused activation's clamp, in a row of HIL_BINARY_ROW (params: hil_f32_arith_params). */
static inline float hil_f32_arith_out(const void *params, float v)
{
    const hil_f32_arith_params *p = params;
    return hil_f32_clamp(v, p->act_min, p->act_max);
}

#endif
