/* LESS, int32 (comparison.h). */
#include "comparison.h"

HIL_COMPARE_ROW(hil_kernel_less_i32, int32_t, <)
HIL_COMPARE_KERNEL(hil_kernel_less_i32, 58, "LESS", HIL_INT32, int32_t)
