/* PADV2, int8, int16, int32 and float32: PAD with a third input, the scalar pad value
 * (constant_values, of the input's type and, for int8, the output's quantization), read at each
 * invoke as TFLM does (pad.h). */
#include "pad.h"

const hil_kernel hil_kernel_padv2 = {60, "PADV2", hil_pad_prepare, hil_pad_eval};
