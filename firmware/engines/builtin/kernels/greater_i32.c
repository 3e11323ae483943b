/* GREATER, int32 (comparison.h). */
#include "comparison.h"

HIL_COMPARE_ROW(hil_kernel_greater_i32, int32_t, >)
HIL_COMPARE_KERNEL(hil_kernel_greater_i32, 61, "GREATER", HIL_INT32, int32_t)
