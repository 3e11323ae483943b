/* LESS_EQUAL, int8 (rescaled to a common scale) (comparison.h). */
#include "comparison.h"

HIL_COMPARE_ROW_INT8(hil_kernel_less_equal, <=)
HIL_COMPARE_KERNEL(hil_kernel_less_equal, 63, "LESS_EQUAL", HIL_INT8, int8_t)
