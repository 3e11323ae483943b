/* LESS, float32 (comparison.h). */
#include "comparison.h"

HIL_COMPARE_ROW(hil_kernel_less_f32, float, <)
HIL_COMPARE_KERNEL(hil_kernel_less_f32, 58, "LESS", HIL_FLOAT32, float)
