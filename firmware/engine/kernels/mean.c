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

#include "hil_protocol.h"
#include "quant.h"

enum { OPT_KEEP_DIMS = 0 }; /* ReducerOptions */

typedef struct {
    int32_t ndim;
    int32_t dims[HIL_MAX_DIMS];
    int32_t out_stride[HIL_MAX_DIMS]; /* output step per input index step; 0 on reduced axes */
    uint32_t in_elems, out_elems;
    int32_t count;                    /* input elements per output element */
    int32_t multiplier, shift;        /* input_scale / output_scale / count */
    int32_t input_zp, output_zp;
} mean_params;

/* Marks the reduced axes; returns how many input elements each output element averages, or 0. */
static int64_t resolve_axes(const hil_tensor *input, const hil_tensor *axis, int reduced[HIL_MAX_DIMS])
{
    int64_t count = 1;
    memset(reduced, 0, sizeof(int) * HIL_MAX_DIMS);
    for (uint32_t i = 0; i < hil_num_elements(axis); i++) {
        int32_t a = (int32_t)hil_le32(axis->data + 4u * i);
        if (a < 0)
            a += input->ndim;
        if (a < 0 || a >= input->ndim)
            return 0;
        if (!reduced[a])
            count *= input->dims[a];
        reduced[a] = 1;
    }
    return count;
}

/* TFLM folds 1/count into the requantization multiplier before the reduction's rescale. */
static void fold_count(mean_params *p, double real_multiplier)
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
    hil_tensor *input = hil_node_input(g, node, 0);
    hil_tensor *axis = hil_node_input(g, node, 1);
    hil_tensor *output = hil_node_output(g, node, 0);
    if (!input || !axis || !output || hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, an axis tensor and one output");
    if (input->type != HIL_INT8 || output->type != HIL_INT8)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "only int8 input and output are supported");
    if (axis->type != HIL_INT32 || !axis->is_const)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "axis must be a constant int32 tensor");
    if (input->ndim == 0)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "scalar input");

    mean_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    int reduced[HIL_MAX_DIMS];
    int64_t count = resolve_axes(input, axis, reduced);
    if (count <= 0 || count > INT32_MAX)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "axis out of range");
    p->count = (int32_t)count;
    p->ndim = input->ndim;
    p->in_elems = hil_num_elements(input);
    p->out_elems = p->in_elems / (uint32_t)p->count;
    int keep_dims = (int)hil_fb_u8(&g->fb, &node->options, OPT_KEEP_DIMS, 0);
    if (hil_num_elements(output) != p->out_elems || (keep_dims && output->ndim != input->ndim))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output shape does not match the reduction");
    int32_t stride = 1;
    for (int32_t d = p->ndim - 1; d >= 0; d--) {
        p->dims[d] = input->dims[d];
        p->out_stride[d] = reduced[d] ? 0 : stride;
        if (!reduced[d])
            stride *= input->dims[d];
    }
    p->input_zp = input->zero_point;
    p->output_zp = output->zero_point;
    fold_count(p, (double)input->scale / (double)output->scale);
    node->params = p;
    return hil_request_scratch(g, node, p->out_elems * (uint32_t)sizeof(int32_t));
}

static int mean_eval(hil_graph *g, hil_node *node)
{
    const mean_params *p = node->params;
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
