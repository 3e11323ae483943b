/* MAXIMUM, int32 (kernels/maximum_minimum.h). */
#include "maximum_minimum.h"

HIL_MAX_MIN_KERNEL(hil_kernel_maximum_i32, 55, "MAXIMUM", HIL_INT32, int32_t, >)
