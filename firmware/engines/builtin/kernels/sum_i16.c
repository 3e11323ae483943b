/* SUM, int16: int8 SUM's arithmetic on int16 values, clamped to int16 (mean.h). */
#include "mean.h"

static int sum_i16_prepare(hil_graph *g, hil_node *node) { return hil_quantized_sum_prepare(g, node, HIL_INT16, 0); }

static int sum_i16_eval(hil_graph *g, hil_node *node) { return hil_quantized_sum_eval(g, node, 1); }

const hil_kernel hil_kernel_sum_i16 = {74, "SUM", sum_i16_prepare, sum_i16_eval};
