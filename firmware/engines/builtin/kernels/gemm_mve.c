/* Shared pieces of the Helium paths (mve.h). Compiled out without HIL_MVE_KERNELS. */
#include "mve.h"

#if HIL_MVE_KERNELS && !defined(__ARM_FEATURE_MVE)
long hil_mve_evals;
#endif
