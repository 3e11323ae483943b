/* MEAN, int8, over any constant list of axes (negative and repeated axes resolved as TFLite
 * does), keep_dims either way: the arithmetic of TFLM's reference_ops::QuantizedMeanOrSum
 * (mean.h). The raw int8 values are summed in int32; the multiplier of input_scale /
 * output_scale absorbs 1/count; (sum - input_zp * count) is requantized with it, offset and
 * clamped to int8. Older TFLM versions divided the raw sum by count with truncation when input
 * and output quantization were equal; the TFLM of the pinned tflite-micro wheel takes the
 * requantizing path in that case too (checked against it with edited models in
 * tests/test_kernels_conv_native.py), so there is a single path here. */
#include "mean.h"

static int mean_prepare(hil_graph *g, hil_node *node) { return hil_quantized_sum_prepare(g, node, HIL_INT8, 1); }

static int mean_eval(hil_graph *g, hil_node *node) { return hil_quantized_sum_eval(g, node, 0); }

const hil_kernel hil_kernel_mean = {40, "MEAN", mean_prepare, mean_eval};
