/* LOG_SOFTMAX over the last dimension, float32: TFLM's reference_ops::LogSoftmax, x - max -
 * log(sum(exp(x - max))) (libm's expf and logf). */
#include <float.h>
#include <math.h>

#include "last_axis.h"

static int log_softmax_f32_prepare(hil_graph *g, hil_node *node)
{
    return hil_last_axis_check(g, node, HIL_FLOAT32, HIL_MAX_DIMS);
}

static void log_softmax_row(const float *in, float *out, uint32_t depth)
{
    float max = -FLT_MAX;
    for (uint32_t c = 0; c < depth; c++)
        max = in[c] > max ? in[c] : max; /* std::max(max, x) */
    float sum = 0.0f;
    for (uint32_t c = 0; c < depth; c++)
        sum += expf(in[c] - max);
    const float log_sum = logf(sum);
    for (uint32_t c = 0; c < depth; c++)
        out[c] = in[c] - max - log_sum;
}

static int log_softmax_f32_eval(hil_graph *g, hil_node *node)
{
    return hil_last_axis_eval_f32(g, node, log_softmax_row);
}

const hil_kernel hil_kernel_log_softmax_f32 = {50, "LOG_SOFTMAX", log_softmax_f32_prepare, log_softmax_f32_eval};
