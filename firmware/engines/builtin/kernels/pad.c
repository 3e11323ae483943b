/* PAD, int8, int16, int32 and float32, up to HIL_MAX_DIMS dimensions: the result of TFLM's
 * reference_ops::Pad / PadImageStyle (pad.h). Without PADV2's constant_values input, int8 pads
 * with the output zero point (the quantized 0.0) and the other types with 0. */
#include "pad.h"

const hil_kernel hil_kernel_pad = {34, "PAD", hil_pad_prepare, hil_pad_eval};
