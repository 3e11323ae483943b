/* BATCH_MATMUL, int16: TFLM's reference_ops::BatchMatMul<int16_t, int64_t> (batch_matmul.h). */
#include "batch_matmul.h"

static int bmm16_prepare(hil_graph *g, hil_node *node) { return hil_bmm_prepare_type(g, node, HIL_INT16); }
static int bmm16_eval(hil_graph *g, hil_node *node) { return hil_bmm_eval_int(g, node, 2); }

const hil_kernel hil_kernel_batch_matmul_i16 = {126, "BATCH_MATMUL", bmm16_prepare, bmm16_eval};
