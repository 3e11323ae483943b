/* int4 packed weights for CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED, as TFLM runs them:
 * the weights (input 1) are unpacked into int8 before each invoke and the int8 kernel runs on
 * them (TFLM's UnpackDenseInt4IntoInt8 into a scratch buffer of one byte per weight). Here the
 * int8 kernel (with its optimized paths) is wrapped: at prepare and eval the weight tensor is
 * shown to it as int8 (at eval with the unpacked bytes at the end of the node's scratch), and
 * restored afterwards, so a weight tensor shared by several operators stays int4 for each. */
#ifndef HIL_INT4_WEIGHTS_H
#define HIL_INT4_WEIGHTS_H
#include "graph.h"

/* `per_tensor_only`: refuse per-channel int4 weights (TFLM's FULLY_CONNECTED does). */
int hil_i4_prepare(hil_graph *g, hil_node *node, const hil_kernel *int8_kernel, int per_tensor_only);
int hil_i4_eval(hil_graph *g, hil_node *node);

#endif
