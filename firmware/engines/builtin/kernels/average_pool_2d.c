/* AVERAGE_POOL_2D, int8, NHWC: the arithmetic of TFLM's reference_integer_ops::AveragePool
 * (HIL_DEFINE_AVG_POOL_EVAL in pool.h, shared with int16). Input and output share their quantization. */
#include "hil_protocol.h"
#include "padding.h"
#include "pool.h"
#include "quant.h"

HIL_DEFINE_AVG_POOL_EVAL(avg_pool_eval, int8_t)

const hil_kernel hil_kernel_average_pool_2d = {1, "AVERAGE_POOL_2D", hil_pool_prepare, avg_pool_eval};
