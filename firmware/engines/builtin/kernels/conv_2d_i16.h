/* CONV_2D 16x8 (conv_2d_i16.c): the parameters its reference eval and its optimized path
 * (conv_2d_i16_dsp.c) share. */
#ifndef HIL_CONV_2D_I16_H
#define HIL_CONV_2D_I16_H
#include <stdint.h>

#include "conv_geometry.h"
#include "s16x8.h"

typedef struct {
    hil_stage16 stage;
    HIL_CONV_GEOMETRY_MEMBER;
    uint8_t path; /* HIL_CONV16_* */
} hil_conv16_params;

enum { HIL_CONV16_REFERENCE = 0, HIL_CONV16_POINTWISE = 1, HIL_CONV16_IM2COL = 2 };

/* Optimized path (HIL_OPT_KERNELS): chooses it at prepare and requests its scratch; a layer it
 * does not cover keeps HIL_CONV16_REFERENCE. */
int hil_conv16_choose_path(hil_graph *g, hil_node *node, hil_conv16_params *p);
void hil_conv16_eval_opt(hil_graph *g, const hil_node *node, const hil_conv16_params *p, const int16_t *input,
                         const int8_t *filter, int16_t *output);

#endif
