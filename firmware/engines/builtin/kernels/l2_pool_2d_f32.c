/* L2_POOL_2D, float32 (the only type TFLM has), NHWC: TFLM's reference_ops::L2Pool. Per output
 * the squares of the window's values inside the image are summed in float (rows, then columns),
 * divided by their count and square-rooted (sqrtf), then clamped by the fused activation.
 * Pool2DOptions and the padding as AVERAGE_POOL_2D (pool.h). */
#include <math.h>

#include "pool.h"

static int l2_pool_eval(hil_graph *g, hil_node *node)
{
    const hil_pool_params *p = node->params;
    const float *input = (const float *)(const void *)hil_node_input(g, node, 0)->data;
    float *out = (float *)(void *)hil_node_output(g, node, 0)->data;
    const int32_t row = p->in_w * p->channels;
    for (int32_t b = 0; b < p->batches; b++) {
        const float *in_batch = input + b * p->in_h * row;
        for (int32_t oy = 0; oy < p->out_h; oy++) {
            int32_t in_y0 = oy * p->stride_h - p->pad_h, fy0, fy1;
            hil_window_taps(in_y0, p->in_h, p->filter_h, 1, &fy0, &fy1);
            for (int32_t ox = 0; ox < p->out_w; ox++) {
                int32_t in_x0 = ox * p->stride_w - p->pad_w, fx0, fx1;
                hil_window_taps(in_x0, p->in_w, p->filter_w, 1, &fx0, &fx1);
                const int32_t origin = in_y0 * row + in_x0 * p->channels; /* may be negative: index only */
                const int32_t count = (fy1 - fy0) * (fx1 - fx0);
                for (int32_t c = 0; c < p->channels; c++) {
                    float sum_squares = 0.0f;
                    for (int32_t fy = fy0; fy < fy1; fy++)
                        for (int32_t fx = fx0; fx < fx1; fx++) {
                            float v = in_batch[origin + fy * row + fx * p->channels + c];
                            sum_squares += v * v;
                        }
                    *out++ = hil_f32_clamp(sqrtf(sum_squares / (float)count), p->act_min_f32, p->act_max_f32);
                }
            }
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_l2_pool_2d_f32 = {12, "L2_POOL_2D", hil_pool_f32_prepare, l2_pool_eval};
