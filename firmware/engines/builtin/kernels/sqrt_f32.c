/* SQRT, float32: std::sqrt. */
#include <math.h>

#include "unary_f32.h"

HIL_UNARY_F32_EVAL(sqrt_f32_eval, sqrtf(x))

const hil_kernel hil_kernel_sqrt_f32 = {75, "SQRT", hil_unary_f32_prepare, sqrt_f32_eval};
