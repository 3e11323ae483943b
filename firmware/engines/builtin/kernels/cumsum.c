/* CUMSUM, int8: TFLM's quantized reference. Each input, offset by -input_zp, is shifted left by
 * 20 and halved (the input multiplier of scale / (2 * scale)); the running sum is requantized by
 * 2 * input_scale / (2^20 * output_scale), offset and clamped. As in TFLM the running sum starts
 * at -input_zp (scaled like an input), not 0, and wraps in 32 bits (TFLM's int32 overflow). */
#include "cumsum.h"
#include "quant.h"

enum { LEFT_SHIFT = 20 };

static int cumsum_prepare(hil_graph *g, hil_node *node)
{
    hil_cumsum_params *p = 0;
    int status = hil_cumsum_prepare_shape(g, node, HIL_INT8, &p);
    if (status != HIL_OK)
        return status;
    const hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    const double twice_input_scale = 2.0 * (double)in->scale;
    int in_shift, out_shift;
    if (!hil_quantize_multiplier_below_one((double)in->scale / twice_input_scale, &p->input_multiplier, &in_shift) ||
        !hil_quantize_multiplier_below_one(twice_input_scale / ((double)(1 << LEFT_SHIFT) * (double)out->scale),
                                           &p->output_multiplier, &out_shift))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "output scale too small for the input scale (TFLM aborts)");
    p->input_shift = in_shift, p->output_shift = out_shift;
    p->input_offset = -in->zero_point;
    p->output_offset = out->zero_point;
    return HIL_OK;
}

static int32_t scaled(const hil_cumsum_params *p, int32_t y)
{
    return hil_multiply_by_quantized_multiplier((int32_t)((uint32_t)y << LEFT_SHIFT), p->input_multiplier,
                                                p->input_shift);
}

static int cumsum_eval(hil_graph *g, hil_node *node)
{
    const hil_cumsum_params *p = node->params;
    const int8_t *in = (const int8_t *)hil_node_input(g, node, 0)->data;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    for (uint32_t o = 0; o < p->outer; o++) {
        for (uint32_t i = 0; i < p->inner; i++) {
            uint32_t acc = (uint32_t)scaled(p, p->input_offset);
            for (uint32_t k = 0; k < p->depth; k++) {
                const uint32_t at = hil_cumsum_index(p, o, i, k);
                const uint32_t before = acc;
                acc += (uint32_t)scaled(p, p->input_offset + in[at]);
                const int32_t sum = (int32_t)(p->exclusive ? before : acc);
                const int32_t v = hil_multiply_by_quantized_multiplier(sum, p->output_multiplier, p->output_shift);
                out[at] = (int8_t)hil_clamp(v + p->output_offset, INT8_MIN, INT8_MAX);
            }
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_cumsum = {128, "CUMSUM", cumsum_prepare, cumsum_eval};
