/* BATCH_MATMUL, int8: TFLM's reference_ops::BatchMatMul<int8_t, int32_t> (batch_matmul.h). */
#include "batch_matmul.h"

static int bmm_prepare(hil_graph *g, hil_node *node) { return hil_bmm_prepare_type(g, node, HIL_INT8); }
static int bmm_eval(hil_graph *g, hil_node *node) { return hil_bmm_eval_int(g, node, 1); }

const hil_kernel hil_kernel_batch_matmul = {126, "BATCH_MATMUL", bmm_prepare, bmm_eval};
