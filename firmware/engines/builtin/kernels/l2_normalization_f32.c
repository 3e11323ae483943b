/* L2_NORMALIZATION over the last dimension, float32, up to 4-D: TFLM's
 * reference_ops::L2Normalization, x / max(sqrt(sum(x^2)), 1e-6). */
#include <math.h>

#include "last_axis.h"

enum { L2_NORM_OPT_ACTIVATION = 0 };

static int l2_norm_f32_prepare(hil_graph *g, hil_node *node)
{
    int status = hil_last_axis_check(g, node, HIL_FLOAT32, 4);
    if (status == HIL_OK && hil_fb_i8(&g->fb, &node->options, L2_NORM_OPT_ACTIVATION, 0) != HIL_ACT_NONE)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "fused activation must be NONE (as in TFLM)");
    return status;
}

static void l2_norm_row(const float *in, float *out, uint32_t depth)
{
    float squared = 0.0f;
    for (uint32_t c = 0; c < depth; c++)
        squared += in[c] * in[c];
    float norm = sqrtf(squared);
    norm = norm < 1e-6f ? 1e-6f : norm; /* std::max(norm, epsilon) */
    for (uint32_t c = 0; c < depth; c++)
        out[c] = in[c] / norm;
}

static int l2_norm_f32_eval(hil_graph *g, hil_node *node) { return hil_last_axis_eval_f32(g, node, l2_norm_row); }

const hil_kernel hil_kernel_l2_normalization_f32 = {11, "L2_NORMALIZATION", l2_norm_f32_prepare, l2_norm_f32_eval};
