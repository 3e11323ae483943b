/* CEIL, float32: std::ceil. */
#include <math.h>

#include "unary_f32.h"

HIL_UNARY_F32_EVAL(ceil_f32_eval, ceilf(x))

const hil_kernel hil_kernel_ceil_f32 = {104, "CEIL", hil_unary_f32_prepare, ceil_f32_eval};
