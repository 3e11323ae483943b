/* EQUAL, int8 (rescaled to a common scale) (comparison.h). */
#include "comparison.h"

HIL_COMPARE_ROW_INT8(hil_kernel_equal, ==)
HIL_COMPARE_KERNEL(hil_kernel_equal, 71, "EQUAL", HIL_INT8, int8_t)
