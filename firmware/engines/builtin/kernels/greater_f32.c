/* GREATER, float32 (comparison.h). */
#include "comparison.h"

HIL_COMPARE_ROW(hil_kernel_greater_f32, float, >)
HIL_COMPARE_KERNEL(hil_kernel_greater_f32, 61, "GREATER", HIL_FLOAT32, float)
