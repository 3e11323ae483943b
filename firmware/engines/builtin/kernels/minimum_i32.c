/* MINIMUM, int32 (kernels/maximum_minimum.h). */
#include "maximum_minimum.h"

HIL_MAX_MIN_KERNEL(hil_kernel_minimum_i32, 57, "MINIMUM", HIL_INT32, int32_t, <)
