/* RELU, float32: TFLM's reference_ops::Relu, x < 0 ? 0 : x. */
#include "unary_f32.h"

HIL_UNARY_F32_EVAL(relu_f32_eval, x < 0.0f ? 0.0f : x)

const hil_kernel hil_kernel_relu_f32 = {19, "RELU", hil_unary_f32_prepare, relu_f32_eval};
