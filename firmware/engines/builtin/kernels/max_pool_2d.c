/* MAX_POOL_2D, int8, NHWC: the arithmetic of TFLM's reference_integer_ops::MaxPool
 * (HIL_DEFINE_MAX_POOL_EVAL in pool.h, shared with int16). Input and output share their quantization. */
#include "hil_protocol.h"
#include "padding.h"
#include "pool.h"
#include "quant.h"

HIL_DEFINE_MAX_POOL_EVAL(max_pool_eval, int8_t, INT8_MIN)

const hil_kernel hil_kernel_max_pool_2d = {17, "MAX_POOL_2D", hil_pool_prepare, max_pool_eval};
