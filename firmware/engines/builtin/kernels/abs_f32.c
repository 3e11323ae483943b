/* ABS, float32: TFLM's std::abs. */
#include <math.h>

#include "unary_f32.h"

HIL_UNARY_F32_EVAL(abs_f32_eval, fabsf(x))

const hil_kernel hil_kernel_abs_f32 = {101, "ABS", hil_unary_f32_prepare, abs_f32_eval};
