/* CAST from float32 (cast.h). */
#include "cast.h"

HIL_CAST_KERNEL(hil_kernel_cast_f32, float, HIL_CAST_SATURATE)
