/* EQUAL, int64 (comparison.h). */
#include "comparison.h"

HIL_COMPARE_ROW(hil_kernel_equal_i64, int64_t, ==)
HIL_COMPARE_KERNEL(hil_kernel_equal_i64, 71, "EQUAL", HIL_INT64, int64_t)
