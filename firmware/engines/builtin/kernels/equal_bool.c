/* EQUAL, bool (comparison.h). */
#include "comparison.h"

HIL_COMPARE_ROW(hil_kernel_equal_bool, uint8_t, ==)
HIL_COMPARE_KERNEL(hil_kernel_equal_bool, 71, "EQUAL", HIL_BOOL, uint8_t)
