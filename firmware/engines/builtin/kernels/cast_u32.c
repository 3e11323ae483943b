/* CAST from uint32 (cast.h). */
#include "cast.h"

HIL_CAST_KERNEL(hil_kernel_cast_u32, uint32_t, HIL_CAST_WRAP)
