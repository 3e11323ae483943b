/* MINIMUM, float32 (kernels/maximum_minimum.h). */
#include "maximum_minimum.h"

HIL_MAX_MIN_KERNEL(hil_kernel_minimum_f32, 57, "MINIMUM", HIL_FLOAT32, float, <)
