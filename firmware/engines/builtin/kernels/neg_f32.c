/* NEG, float32: TFLM's reference_ops::Negate, -x. */
#include <math.h>

#include "unary_f32.h"

HIL_UNARY_F32_EVAL(neg_f32_eval, -x)

const hil_kernel hil_kernel_neg_f32 = {59, "NEG", hil_unary_f32_prepare, neg_f32_eval};
