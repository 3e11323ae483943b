/* LOGICAL_AND, bool (logical.h). */
#include "logical.h"

HIL_LOGICAL_KERNEL(hil_kernel_logical_and, 86, "LOGICAL_AND", &&)
