/* SQUARE, float32: x * x. */
#include <math.h>

#include "unary_f32.h"

HIL_UNARY_F32_EVAL(square_f32_eval, x * x)

const hil_kernel hil_kernel_square_f32 = {92, "SQUARE", hil_unary_f32_prepare, square_f32_eval};
