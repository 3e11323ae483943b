/* RELU6, float32: TFLM's reference_ops::Relu6, x > 6 ? 6 : (x < 0 ? 0 : x). */
#include "unary_f32.h"

HIL_UNARY_F32_EVAL(relu6_f32_eval, x > 6.0f ? 6.0f : (x < 0.0f ? 0.0f : x))

const hil_kernel hil_kernel_relu6_f32 = {21, "RELU6", hil_unary_f32_prepare, relu6_f32_eval};
