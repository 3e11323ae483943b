/* MAX_POOL_2D, int16, NHWC: the arithmetic of TFLM's reference_integer_ops::MaxPool for int16
 * (HIL_DEFINE_MAX_POOL_EVAL in pool.h, shared with int8). Input and output share their quantization. */
#include "pool.h"

HIL_DEFINE_MAX_POOL_EVAL(max_pool_i16_eval, int16_t, INT16_MIN)

const hil_kernel hil_kernel_max_pool_2d_i16 = {17, "MAX_POOL_2D", hil_pool_i16_prepare, max_pool_i16_eval};
