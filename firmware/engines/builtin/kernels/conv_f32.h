/* CONV_2D and DEPTHWISE_CONV_2D, float32: the parameters and the prepare both kernels share
 * (conv_2d_f32.c, depthwise_conv_2d_f32.c); only their arithmetic differs. Header-only. */
#ifndef HIL_CONV_F32_H
#define HIL_CONV_F32_H
#include <stddef.h>

#include "common_f32.h"
#include "conv_geometry.h"

typedef struct {
    float act_min, act_max;
    HIL_CONV_GEOMETRY_MEMBER;
} hil_conv_f32_params;

/* `kind`: HIL_CONV or HIL_DEPTHWISE. */
static inline int hil_conv_f32_prepare(hil_graph *g, hil_node *node, int kind)
{
    const hil_conv_spec spec = {kind, hil_conv_types_f32, 0};
    hil_conv_tensors t;
    int activation, status;
    hil_conv_f32_params *p = hil_conv_params_new(g, node, &spec, sizeof *p, offsetof(hil_conv_f32_params, geo), &t,
                                                 &activation, &status);
    if (!p)
        return status;
    hil_f32_activation_range(activation, &p->act_min, &p->act_max); /* one of the four known */
    node->params = p;
    return HIL_OK;
}

#endif
