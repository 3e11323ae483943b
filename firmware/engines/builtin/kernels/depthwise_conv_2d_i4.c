/* DEPTHWISE_CONV_2D with int4 packed weights and int8 activations: TFLM unpacks the weights to
 * int8 and runs its int8 kernel; here the int8 kernel (depthwise_conv_2d.c) runs wrapped by
 * int4_weights.c. */
#include "int4_weights.h"

extern const hil_kernel hil_kernel_depthwise_conv_2d;

static int prepare_i4(hil_graph *g, hil_node *node) { return hil_i4_prepare(g, node, &hil_kernel_depthwise_conv_2d, 0); }

const hil_kernel hil_kernel_depthwise_conv_2d_i4 = {4, "DEPTHWISE_CONV_2D", prepare_i4, hil_i4_eval};
