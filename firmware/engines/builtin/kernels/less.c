/* LESS, int8 (rescaled to a common scale) (comparison.h). */
#include "comparison.h"

HIL_COMPARE_ROW_INT8(hil_kernel_less, <)
HIL_COMPARE_KERNEL(hil_kernel_less, 58, "LESS", HIL_INT8, int8_t)
