/* MAX_POOL_2D, int8, NHWC: the arithmetic of TFLM's reference_integer_ops::MaxPool. The window is
 * clipped to the image (padding never wins), the maximum starts from -128 and is clamped to the
 * fused activation's range. Input and output share their quantization. */
#include "hil_protocol.h"
#include "padding.h"
#include "pool.h"
#include "quant.h"

static int max_pool_eval(hil_graph *g, hil_node *node)
{
    const hil_pool_params *p = node->params;
    const int8_t *input = (const int8_t *)hil_node_input(g, node, 0)->data;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    const int32_t row = p->in_w * p->channels;

    for (int32_t b = 0; b < p->batches; b++) {
        const int8_t *in_batch = input + b * p->in_h * row;
        for (int32_t oy = 0; oy < p->out_h; oy++) {
            int32_t in_y0 = oy * p->stride_h - p->pad_h, fy0, fy1;
            hil_window_taps(in_y0, p->in_h, p->filter_h, 1, &fy0, &fy1);
            for (int32_t ox = 0; ox < p->out_w; ox++) {
                int32_t in_x0 = ox * p->stride_w - p->pad_w, fx0, fx1;
                hil_window_taps(in_x0, p->in_w, p->filter_w, 1, &fx0, &fx1);
                const int32_t origin = in_y0 * row + in_x0 * p->channels; /* may be negative: index only */
                for (int32_t c = 0; c < p->channels; c++) {
                    int32_t max = INT8_MIN;
                    for (int32_t fy = fy0; fy < fy1; fy++)
                        for (int32_t fx = fx0; fx < fx1; fx++) {
                            int32_t v = in_batch[origin + fy * row + fx * p->channels + c];
                            if (v > max)
                                max = v;
                        }
                    out[c] = (int8_t)hil_clamp(max, p->act_min, p->act_max);
                }
                out += p->channels;
            }
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_max_pool_2d = {17, "MAX_POOL_2D", hil_pool_prepare, max_pool_eval};
