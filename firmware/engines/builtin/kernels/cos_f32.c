/* COS, float32: std::cos (libm's cosf). */
#include <math.h>

#include "unary_f32.h"

HIL_UNARY_F32_EVAL(cos_f32_eval, cosf(x))

const hil_kernel hil_kernel_cos_f32 = {108, "COS", hil_unary_f32_prepare, cos_f32_eval};
