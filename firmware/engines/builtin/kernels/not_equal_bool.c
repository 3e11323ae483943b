/* NOT_EQUAL, bool (comparison.h). */
#include "comparison.h"

HIL_COMPARE_ROW(hil_kernel_not_equal_bool, uint8_t, !=)
HIL_COMPARE_KERNEL(hil_kernel_not_equal_bool, 72, "NOT_EQUAL", HIL_BOOL, uint8_t)
