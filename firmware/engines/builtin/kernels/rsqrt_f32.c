/* RSQRT, float32: TFLM's 1.f / std::sqrt(x). */
#include <math.h>

#include "unary_f32.h"

HIL_UNARY_F32_EVAL(rsqrt_f32_eval, 1.0f / sqrtf(x))

const hil_kernel hil_kernel_rsqrt_f32 = {76, "RSQRT", hil_unary_f32_prepare, rsqrt_f32_eval};
