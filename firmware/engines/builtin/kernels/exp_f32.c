/* EXP, float32: std::exp (libm's expf; the target's newlib differs from the host's glibc by a few ULP). */
#include <math.h>

#include "unary_f32.h"

HIL_UNARY_F32_EVAL(exp_f32_eval, expf(x))

const hil_kernel hil_kernel_exp_f32 = {47, "EXP", hil_unary_f32_prepare, exp_f32_eval};
