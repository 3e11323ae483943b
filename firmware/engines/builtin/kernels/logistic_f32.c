/* LOGISTIC, float32: TFLM's reference_ops::Logistic, which uses 1 above 16.619047, exp(x) below
 * -9 and 1 / (1 + exp(-x)) in between. */
#include "unary_f32.h"

HIL_UNARY_F32_EVAL(logistic_f32_eval, hil_logistic_f32(x))

const hil_kernel hil_kernel_logistic_f32 = {14, "LOGISTIC", hil_unary_f32_prepare, logistic_f32_eval};
