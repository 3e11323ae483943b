/* MAXIMUM, int16 (kernels/maximum_minimum.h). */
#include "maximum_minimum.h"

HIL_MAX_MIN_KERNEL(hil_kernel_maximum_i16, 55, "MAXIMUM", HIL_INT16, int16_t, >)
