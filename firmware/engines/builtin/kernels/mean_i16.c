/* MEAN, int16 (16x8 models): int8 MEAN's arithmetic on int16 values, clamped to int16 (mean.h). */
#include "mean.h"

static int mean_i16_prepare(hil_graph *g, hil_node *node) { return hil_quantized_sum_prepare(g, node, HIL_INT16, 1); }

static int mean_i16_eval(hil_graph *g, hil_node *node) { return hil_quantized_sum_eval(g, node, 1); }

const hil_kernel hil_kernel_mean_i16 = {40, "MEAN", mean_i16_prepare, mean_i16_eval};
