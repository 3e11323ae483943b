/* LOGICAL_OR, bool (logical.h). */
#include "logical.h"

HIL_LOGICAL_KERNEL(hil_kernel_logical_or, 84, "LOGICAL_OR", ||)
