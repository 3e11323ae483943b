/* MINIMUM, int64 (kernels/maximum_minimum.h). */
#include "maximum_minimum.h"

HIL_MAX_MIN_KERNEL(hil_kernel_minimum_i64, 57, "MINIMUM", HIL_INT64, int64_t, <)
