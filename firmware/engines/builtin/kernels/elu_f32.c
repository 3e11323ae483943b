/* ELU, float32: TFLM's reference_ops::Elu, x < 0 ? expm1(x) : x. */
#include <math.h>

#include "unary_f32.h"

HIL_UNARY_F32_EVAL(elu_f32_eval, x < 0.0f ? expm1f(x) : x)

const hil_kernel hil_kernel_elu_f32 = {111, "ELU", hil_unary_f32_prepare, elu_f32_eval};
