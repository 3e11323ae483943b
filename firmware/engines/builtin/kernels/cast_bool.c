/* CAST from bool (one byte, 0 or 1, as C++'s) (cast.h). */
#include "cast.h"

HIL_CAST_KERNEL(hil_kernel_cast_bool, uint8_t, HIL_CAST_WRAP)
