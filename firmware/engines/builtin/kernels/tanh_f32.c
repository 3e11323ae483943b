/* TANH, float32: TFLM's reference_ops::Tanh, std::tanh per element (the C library's tanhf). */
#include <math.h>

#include "unary_f32.h"

HIL_UNARY_F32_EVAL(tanh_f32_eval, tanhf(x))

const hil_kernel hil_kernel_tanh_f32 = {28, "TANH", hil_unary_f32_prepare, tanh_f32_eval};
