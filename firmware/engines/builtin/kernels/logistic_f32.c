/* LOGISTIC, float32: TFLM's reference_ops::Logistic, which uses 1 above 16.619047, exp(x) below
 * -9 and 1 / (1 + exp(-x)) in between. */
#include <math.h>

#include "unary_f32.h"

static float logistic(float x)
{
    if (x > 16.619047164916992188f)
        return 1.0f;
    if (x < -9.0f)
        return expf(x);
    return 1.0f / (1.0f + expf(-x));
}

HIL_UNARY_F32_EVAL(logistic_f32_eval, logistic(x))

const hil_kernel hil_kernel_logistic_f32 = {14, "LOGISTIC", hil_unary_f32_prepare, logistic_f32_eval};
