/* DEPTHWISE_CONV_2D 16x8 (depthwise_conv_2d_i16.c): the parameters its reference eval and its
 * optimized path (depthwise_conv_2d_i16_dsp.c) share. */
#ifndef HIL_DEPTHWISE_CONV_2D_I16_H
#define HIL_DEPTHWISE_CONV_2D_I16_H
#include <stdint.h>

#include "conv_geometry.h"
#include "s16x8.h"

typedef struct {
    hil_stage16 stage;
    HIL_CONV_GEOMETRY_MEMBER;
    uint8_t optimized; /* the four-channel path (depth multiplier 1) */
} hil_dw16_params;

/* The channels of one output pixel (one per input channel, depth multiplier 1), four at a time,
 * with the output stage's channel table `tbl` (in scratch, built per invoke); taps
 * [fy0, fy1) x [fx0, fx1) lie inside the image. Returns the first channel it left to the
 * caller (the in_c % 4 last ones). */
int32_t hil_dw16_pixel_opt(const hil_dw16_params *p, const hil_chan16 *tbl, const int16_t *in_batch,
                           const int8_t *filter, int32_t in_y0, int32_t in_x0, int32_t fy0, int32_t fy1, int32_t fx0,
                           int32_t fx1, int16_t *out);

#endif
