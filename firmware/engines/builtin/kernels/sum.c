/* SUM, int8: TFLM's QuantizedMeanOrSum with compute_sum (mean.h): the int32 sum of the raw
 * values, less input_zp * count, requantized by input_scale / output_scale (no 1/count). */
#include "mean.h"

static int sum_prepare(hil_graph *g, hil_node *node) { return hil_quantized_sum_prepare(g, node, HIL_INT8, 0); }

static int sum_eval(hil_graph *g, hil_node *node) { return hil_quantized_sum_eval(g, node, 0); }

const hil_kernel hil_kernel_sum = {74, "SUM", sum_prepare, sum_eval};
