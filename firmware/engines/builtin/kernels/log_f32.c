/* LOG, float32: std::log (libm's logf). */
#include <math.h>

#include "unary_f32.h"

HIL_UNARY_F32_EVAL(log_f32_eval, logf(x))

const hil_kernel hil_kernel_log_f32 = {73, "LOG", hil_unary_f32_prepare, log_f32_eval};
