/* MINIMUM, int16 (kernels/maximum_minimum.h). */
#include "maximum_minimum.h"

HIL_MAX_MIN_KERNEL(hil_kernel_minimum_i16, 57, "MINIMUM", HIL_INT16, int16_t, <)
