/* DEPTHWISE_CONV_2D, int8: the parameters its reference arithmetic (depthwise_conv_2d.c) and its
 * optimized paths (depthwise_conv_2d_dsp.c, HIL_OPT_KERNELS) share. */
#ifndef HIL_DEPTHWISE_CONV_2D_H
#define HIL_DEPTHWISE_CONV_2D_H
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
    uint8_t path; /* DW_* */
    uint8_t fast; /* the fast output stage (gemm_dsp.h): requantization constants from tables */
} dw_params;

enum { DW_REFERENCE = 0, DW_CHANNELS = 1, DW_ONE_CHANNEL = 2, DW_MVE = 3, DW_ONE_3X3 = 4 }; /* dw_params.path */

/* The Helium path (depthwise_conv_2d_mve.c, HIL_MVE_KERNELS): prepare sets path DW_MVE where it
 * applies. */
int hil_dw_mve_prepare(hil_graph *g, hil_node *node, dw_params *p);
int hil_dw_mve_eval(hil_graph *g, hil_node *node);

#endif
