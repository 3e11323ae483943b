/* SIN, float32: std::sin (libm's sinf). */
#include <math.h>

#include "unary_f32.h"

HIL_UNARY_F32_EVAL(sin_f32_eval, sinf(x))

const hil_kernel hil_kernel_sin_f32 = {66, "SIN", hil_unary_f32_prepare, sin_f32_eval};
