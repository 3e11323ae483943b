/* MEAN, int8, over any constant list of axes (negative and repeated axes resolved as TFLite
 * does), keep_dims either way: the arithmetic of TFLM's reference_ops::QuantizedMeanOrSum. The
 * raw int8 values are summed in int32; the multiplier of input_scale / output_scale absorbs
 * 1/count (shifted left by floor(log2(count)), at most 32 and 31 + its exponent, then divided by
 * count); (sum - input_zp * count) is requantized with it, offset and clamped to int8.
 * Older TFLM versions divided the raw sum by count with truncation when input and output
 * quantization were equal; the TFLM of the pinned tflite-micro wheel takes the requantizing path
 * in that case too (checked against it with edited models in tests/test_kernels_conv_native.py),
 * so there is a single path here. */
#include <string.h>

#include "mean.h"
#include "quant.h"

/* TFLM folds 1/count into the requantization multiplier before the reduction's rescale. */
static void fold_count(hil_mean_params *p, double real_multiplier)
{
    int shift;
    hil_quantize_multiplier(real_multiplier, &p->multiplier, &shift);
    int log2_count = 0;
    while ((p->count >> (log2_count + 1)) > 0)
        log2_count++;
    int extra = log2_count < 32 ? log2_count : 32;
    if (extra > 31 + shift)
        extra = 31 + shift;
    p->multiplier = (int32_t)(((int64_t)p->multiplier << extra) / p->count);
    p->shift = shift - extra;
}

static int mean_prepare(hil_graph *g, hil_node *node)
{
    hil_mean_params *p = 0;
    int status = hil_mean_prepare_shape(g, node, HIL_INT8, &p);
    if (status != HIL_OK)
        return status;
    const hil_tensor *input = hil_node_input(g, node, 0), *output = hil_node_output(g, node, 0);
    p->input_zp = input->zero_point;
    p->output_zp = output->zero_point;
    fold_count(p, (double)input->scale / (double)output->scale);
    node->params = p;
    return hil_request_scratch(g, node, p->out_elems * (uint32_t)sizeof(int32_t));
}

static int mean_eval(hil_graph *g, hil_node *node)
{
    const hil_mean_params *p = node->params;
    const int8_t *input = (const int8_t *)hil_node_input(g, node, 0)->data;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    int32_t *sums = hil_scratch(g, node);
    int32_t idx[HIL_MAX_DIMS] = {0};
    uint32_t o = 0;

    memset(sums, 0, p->out_elems * sizeof *sums);
    for (uint32_t i = 0; i < p->in_elems; i++) {
        sums[o] += input[i];
        for (int32_t d = p->ndim - 1; d >= 0; d--) { /* odometer over the input index */
            o += (uint32_t)p->out_stride[d];
            if (++idx[d] < p->dims[d])
                break;
            o -= (uint32_t)(p->out_stride[d] * p->dims[d]);
            idx[d] = 0;
        }
    }
    for (uint32_t k = 0; k < p->out_elems; k++) {
        int32_t shifted = (int32_t)((int64_t)sums[k] - (int64_t)p->input_zp * p->count);
        int32_t v = hil_multiply_by_quantized_multiplier(shifted, p->multiplier, p->shift) + p->output_zp;
        out[k] = (int8_t)hil_clamp(v, INT8_MIN, INT8_MAX);
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_mean = {40, "MEAN", mean_prepare, mean_eval};
