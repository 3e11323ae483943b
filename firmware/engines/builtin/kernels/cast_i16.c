/* CAST from int16 (cast.h). */
#include "cast.h"

HIL_CAST_KERNEL(hil_kernel_cast_i16, int16_t, HIL_CAST_WRAP)
