/* MINIMUM, int8 (kernels/maximum_minimum.h). */
#include "maximum_minimum.h"

HIL_MAX_MIN_KERNEL(hil_kernel_minimum, 57, "MINIMUM", HIL_INT8, int8_t, <)
