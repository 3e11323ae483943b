/* AVERAGE_POOL_2D, int16, NHWC: the arithmetic of TFLM's reference_integer_ops::AveragePool for
 * int16 (HIL_DEFINE_AVG_POOL_EVAL in pool.h, shared with int8). Input and output share their quantization. */
#include "pool.h"

HIL_DEFINE_AVG_POOL_EVAL(avg_pool_i16_eval, int16_t)

const hil_kernel hil_kernel_average_pool_2d_i16 = {1, "AVERAGE_POOL_2D", hil_pool_i16_prepare, avg_pool_i16_eval};
