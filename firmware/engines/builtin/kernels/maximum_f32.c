/* MAXIMUM, float32 (kernels/maximum_minimum.h). */
#include "maximum_minimum.h"

HIL_MAX_MIN_KERNEL(hil_kernel_maximum_f32, 55, "MAXIMUM", HIL_FLOAT32, float, >)
