/* ADD, int8, Helium path (HIL_MVE_KERNELS) of one broadcast row, bit-exact with the arithmetic
 * of add_sub.h (hil_add_sub_element): four elements per step, each stage of TFLM's AddFunc in
 * 32-bit lanes (the offsets, the left shift by 20, the two input rescalings, the sum, the
 * output rescaling, zero point and clamp); a predicated last step. An input with step 0 (a
 * broadcast value) is the same value in every lane. */
#include "add_sub.h"
#include "mve.h"

#if HIL_MVE_KERNELS

HIL_INLINE int32x4_t scaled(const int8_t *x, int32_t step, mve_pred16_t pred, int32_t offset, int32_t m, int32_t s)
{
    int32x4_t v = step ? vldrbq_z_s32(x, pred) : vdupq_n_s32(*x);
    return hil_mve_mbqm_n(vshlq_n_s32(vaddq_n_s32(v, offset), HIL_ADD_SUB_LEFT_SHIFT_INT8), m, s);
}

void hil_add_mve_row(const hil_add_sub_params *p, const int8_t *a, int32_t step1, const int8_t *b, int32_t step2,
                     int8_t *out, int32_t n)
{
    HIL_MVE_RAN();
    for (; n > 0; n -= 4, a += 4 * step1, b += 4 * step2, out += 4) {
        mve_pred16_t pred = vctp32q((uint32_t)n);
        int32x4_t x = scaled(a, step1, pred, p->input1_offset, p->input1_multiplier, p->input1_shift);
        int32x4_t y = scaled(b, step2, pred, p->input2_offset, p->input2_multiplier, p->input2_shift);
        int32x4_t r = hil_mve_requant4_n(vaddq_s32(x, y), p->output_multiplier, p->output_shift, p->output_offset,
                                         p->act_min, p->act_max);
        vstrbq_p_s32(out, r, pred);
    }
}

#else

void hil_add_mve_row(const hil_add_sub_params *p, const int8_t *a, int32_t step1, const int8_t *b, int32_t step2,
                     int8_t *out, int32_t n)
{
}

#endif
