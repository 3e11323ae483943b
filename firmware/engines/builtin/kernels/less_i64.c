/* LESS, int64 (comparison.h). */
#include "comparison.h"

HIL_COMPARE_ROW(hil_kernel_less_i64, int64_t, <)
HIL_COMPARE_KERNEL(hil_kernel_less_i64, 58, "LESS", HIL_INT64, int64_t)
