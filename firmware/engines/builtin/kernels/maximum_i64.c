/* MAXIMUM, int64 (kernels/maximum_minimum.h). */
#include "maximum_minimum.h"

HIL_MAX_MIN_KERNEL(hil_kernel_maximum_i64, 55, "MAXIMUM", HIL_INT64, int64_t, >)
