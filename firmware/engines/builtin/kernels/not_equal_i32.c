/* NOT_EQUAL, int32 (comparison.h). */
#include "comparison.h"

HIL_COMPARE_ROW(hil_kernel_not_equal_i32, int32_t, !=)
HIL_COMPARE_KERNEL(hil_kernel_not_equal_i32, 72, "NOT_EQUAL", HIL_INT32, int32_t)
