/* PRELU, float32, alpha broadcast against the input up to 4-D (TFLM's BroadcastPrelu4DSlowFloat
 * indexes four dimensions): x >= 0 ? x : x * alpha. */
#include "binary.h"
#include "common_f32.h"

static int prelu_f32_prepare(hil_graph *g, hil_node *node)
{
    int status = hil_binary_prepare_broadcast(g, node, HIL_FLOAT32);
    if (status == HIL_OK && hil_node_output(g, node, 0)->ndim > 4)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "float32 PRELU takes at most 4 dimensions (as TFLM)");
    return status;
}

HIL_BINARY_ROW(prelu_f32, float, float, x >= 0.0f ? x : x * y)

static int prelu_f32_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, prelu_f32_row); }

const hil_kernel hil_kernel_prelu_f32 = {54, "PRELU", prelu_f32_prepare, prelu_f32_eval};
