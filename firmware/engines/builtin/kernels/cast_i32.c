/* CAST from int32 (cast.h). */
#include "cast.h"

HIL_CAST_KERNEL(hil_kernel_cast_i32, int32_t, HIL_CAST_WRAP)
