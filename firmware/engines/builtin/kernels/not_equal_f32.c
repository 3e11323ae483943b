/* NOT_EQUAL, float32 (comparison.h). */
#include "comparison.h"

HIL_COMPARE_ROW(hil_kernel_not_equal_f32, float, !=)
HIL_COMPARE_KERNEL(hil_kernel_not_equal_f32, 72, "NOT_EQUAL", HIL_FLOAT32, float)
