/* The 16x8 matrix-multiply core of the optimized int16 CONV_2D and FULLY_CONNECTED:
 * out[px][ch] = stage(bias[ch] + sum_k w[ch][k] * x[px][k]), x int16, w int8 (TFLM's 16x8
 * conv adds no input offset; FULLY_CONNECTED takes this path only when its offset is 0).
 *
 * The column buffer has the layout of the int8 core (gemm_dsp.h): per block of four values
 * A(x0,x2) A(x1,x3) B(x0,x2) B(x1,x3), the order SXTB16 gives the weights, so the int8 core's
 * inner blocks run unchanged on int16 columns; PKHBT / PKHTB pack two input words into it.
 * SMLAD sums into int32: a product is at most 2^22 in magnitude (-128 x -32768), so chunks of
 * 256 products (|sum| <= 2^30) are added into int64 sums, exact like TFLM's int64 accumulator. */
#ifndef HIL_GEMM_DSP16_H
#define HIL_GEMM_DSP16_H
#include <stdint.h>

#include "s16x8.h"

/* Packs k int16 values of pixel a (and of pixel b, or nothing when b is NULL) into `cols`
 * (hil_cols_words(k) words); the values past k in the last block become 0. */
void hil_cols_pack16(const int16_t *a, const int16_t *b, int32_t k, uint32_t *cols);

/* Every output channel of one or two pixels (out_b NULL: one pixel). Weights of channel c start
 * at w + c * w_stride and hold k values. `tbl`: the channel table of the int64 stage
 * (hil_chan16_table), or NULL for TFLM's int32 accumulator (acc32), whose stage is generic. */
void hil_gemm_s16(const uint32_t *cols, const int8_t *w, int32_t k, int32_t w_stride, int32_t n_ch,
                  const hil_stage16 *o, const hil_chan16 *tbl, int16_t *out_a, int16_t *out_b);

#endif
