/* FLOOR, float32: std::floor. */
#include <math.h>

#include "unary_f32.h"

HIL_UNARY_F32_EVAL(floor_f32_eval, floorf(x))

const hil_kernel hil_kernel_floor_f32 = {8, "FLOOR", hil_unary_f32_prepare, floor_f32_eval};
