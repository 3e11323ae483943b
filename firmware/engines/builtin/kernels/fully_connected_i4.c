/* FULLY_CONNECTED with int4 packed weights and int8 activations: TFLM unpacks the weights to
 * int8 and runs its int8 kernel; here the int8 kernel (fully_connected.c) runs wrapped by
 * int4_weights.c. */
#include "int4_weights.h"

extern const hil_kernel hil_kernel_fully_connected;

static int prepare_i4(hil_graph *g, hil_node *node) { return hil_i4_prepare(g, node, &hil_kernel_fully_connected, 1); }

const hil_kernel hil_kernel_fully_connected_i4 = {9, "FULLY_CONNECTED", prepare_i4, hil_i4_eval};
