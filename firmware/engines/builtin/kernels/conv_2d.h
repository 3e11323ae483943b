/* CONV_2D, int8: the parameters its reference arithmetic (conv_2d.c) and its optimized path
 * (conv_2d_dsp.c, HIL_OPT_KERNELS) share. */
#ifndef HIL_CONV_2D_H
#define HIL_CONV_2D_H
#include <stdint.h>

#include "conv_geometry.h"
#include "graph.h"
#include "hil_protocol.h"
#include "quant.h"
#include "simd.h"

typedef struct {
    hil_requant requant;
    int32_t input_offset, output_offset;
    int32_t act_min, act_max;
    HIL_CONV_GEOMETRY_MEMBER;
    uint8_t path; /* CONV_* */
    uint8_t fast; /* the fast output stage (gemm_dsp.h), with a channel table in scratch */
} conv_params;

enum { CONV_REFERENCE = 0, CONV_POINTWISE = 1, CONV_IM2COL = 2, CONV_MVE = 3 }; /* conv_params.path */

/* The Helium path (conv_2d_mve.c, HIL_MVE_KERNELS): prepare sets path CONV_MVE where it applies. */
int hil_conv_mve_prepare(hil_graph *g, hil_node *node, conv_params *p);
int hil_conv_mve_eval(hil_graph *g, hil_node *node);

#endif
