/* ROUND, float32: TFLM's RoundToNearest, halves to the even neighbour (banker's rounding). */
#include <math.h>

#include "unary_f32.h"

static float round_half_even(float x)
{
    float below = floorf(x);
    float diff = x - below;
    /* floor even: TFLM tests static_cast<int>(floor) % 2, the same for every value it can cast */
    int even = fmodf(below, 2.0f) == 0.0f;
    return diff < 0.5f || (diff == 0.5f && even) ? below : below + 1.0f;
}

HIL_UNARY_F32_EVAL(round_f32_eval, round_half_even(x))

const hil_kernel hil_kernel_round_f32 = {116, "ROUND", hil_unary_f32_prepare, round_f32_eval};
