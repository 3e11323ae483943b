/* SOFTMAX on int16 (16x8 models): the two tables TFLM's SoftmaxInt16 interpolates, 513 entries
 * each over the whole int16 range: exp(x) for x in [-10, 0] and 1 / (1 + x) for x in [0, 1], both
 * in Q0.15 (scale 2 / 65535). They depend on no model parameter (TFLM builds them in every
 * prepare), so they are constants here (kernels/softmax_i16_lut.c). */
#ifndef HIL_SOFTMAX_I16_H
#define HIL_SOFTMAX_I16_H
#include <stdint.h>

#define HIL_SOFTMAX_I16_LUT_SIZE 513

extern const int16_t hil_softmax_i16_exp_lut[HIL_SOFTMAX_I16_LUT_SIZE];
extern const int16_t hil_softmax_i16_recip_lut[HIL_SOFTMAX_I16_LUT_SIZE];

/* TFLM's LUTLookup for int16: the top 9 bits of the value pick an entry, the low 7 bits
 * interpolate towards the next one. */
static inline int16_t hil_lut_lookup_i16(int16_t value, const int16_t *lut)
{
    uint16_t index = (uint16_t)(256 + (value >> 7));
    int16_t offset = (int16_t)(value & 0x7F);
    int16_t base = lut[index];
    int16_t slope = (int16_t)(lut[index + 1] - lut[index]);
    int delta = (slope * offset + 64) >> 7;
    return (int16_t)(base + delta);
}

#endif
