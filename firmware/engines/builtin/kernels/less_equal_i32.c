/* LESS_EQUAL, int32 (comparison.h). */
#include "comparison.h"

HIL_COMPARE_ROW(hil_kernel_less_equal_i32, int32_t, <=)
HIL_COMPARE_KERNEL(hil_kernel_less_equal_i32, 63, "LESS_EQUAL", HIL_INT32, int32_t)
