/* GREATER, int8 (rescaled to a common scale) (comparison.h). */
#include "comparison.h"

HIL_COMPARE_ROW_INT8(hil_kernel_greater, >)
HIL_COMPARE_KERNEL(hil_kernel_greater, 61, "GREATER", HIL_INT8, int8_t)
