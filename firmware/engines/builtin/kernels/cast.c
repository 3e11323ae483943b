/* CAST from int8 (cast.h). */
#include "cast.h"

HIL_CAST_KERNEL(hil_kernel_cast, int8_t, HIL_CAST_WRAP)
