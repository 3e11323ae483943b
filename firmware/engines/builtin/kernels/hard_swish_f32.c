/* HARD_SWISH, float32: TFLM's reference_ops::HardSwish, x * min(6, max(0, x + 3)) / 6. */
#include "unary_f32.h"

static float hard_swish(float x)
{
    float relu6 = x + 3 > 0 ? x + 3 : 0; /* std::max(0, x + 3), std::min(6, ...) */
    relu6 = relu6 < 6 ? relu6 : 6;
    return x * relu6 / 6;
}

HIL_UNARY_F32_EVAL(hard_swish_f32_eval, hard_swish(x))

const hil_kernel hil_kernel_hard_swish_f32 = {117, "HARD_SWISH", hil_unary_f32_prepare, hard_swish_f32_eval};
