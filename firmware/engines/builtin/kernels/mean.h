/* The reductions (MEAN, SUM, REDUCE_MAX / MIN / ALL) share their prepare: the axis tensor (a
 * constant int32 list; negative and repeated axes resolved as TFLite does), keep_dims, and the
 * reduction's shape; MEAN and SUM of int8 and int16 share their quantized arithmetic (TFLM's
 * QuantizedMeanOrSum). Header-only (static inline). */
#ifndef HIL_MEAN_H
#define HIL_MEAN_H
#include <stdint.h>
#include <string.h>

#include "common_f32.h"
#include "graph.h"
#include "hil_protocol.h"
#include "quant.h"

typedef struct {
    int32_t ndim;
    int32_t dims[HIL_MAX_DIMS];
    int32_t out_stride[HIL_MAX_DIMS]; /* output step per input index step; 0 on reduced axes */
    uint32_t in_elems, out_elems;
    int32_t count;                    /* input elements per output element */
    int32_t multiplier, shift;        /* quantized: input_scale / output_scale (/ count for MEAN) */
    int32_t input_zp, output_zp;      /* quantized */
} hil_mean_params;

/* Marks the reduced axes; returns how many input elements each output element averages, or 0. */
static inline int64_t hil_mean_axes(const hil_tensor *input, const hil_tensor *axis, int reduced[HIL_MAX_DIMS])
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

/* Checks the tensors for element type `type` (int8, int16, bool or float32), allocates the params
 * and fills the reduction's shape; *params is set on HIL_OK. */
static inline int hil_mean_prepare_shape(hil_graph *g, hil_node *node, int type, hil_mean_params **params)
{
    enum { OPT_KEEP_DIMS = 0 }; /* ReducerOptions */
    hil_tensor *input = hil_node_input(g, node, 0);
    hil_tensor *axis = hil_node_input(g, node, 1);
    hil_tensor *output = hil_node_output(g, node, 0);
    if (!input || !axis || !output || hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, an axis tensor and one output");
    if (type != HIL_FLOAT32 && (input->type != type || output->type != type))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input and output must both be of the input's type");
    if (type == HIL_FLOAT32 && !hil_f32_all(input, output))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "float32 kernel: input and output must be float32");
    if (axis->type != HIL_INT32 || !axis->is_const)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "axis must be a constant int32 tensor");
    if (input->ndim == 0)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "scalar input");

    hil_mean_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    int reduced[HIL_MAX_DIMS];
    int64_t count = hil_mean_axes(input, axis, reduced);
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
    *params = p;
    return HIL_OK;
}

/* Steps the odometer over the input index (last dimension fastest) and the output index `o`
 * that input element reduces into. */
static inline void hil_reduce_step(const hil_mean_params *p, int32_t idx[HIL_MAX_DIMS], uint32_t *o)
{
    for (int32_t d = p->ndim - 1; d >= 0; d--) {
        *o += (uint32_t)p->out_stride[d];
        if (++idx[d] < p->dims[d])
            return;
        *o -= (uint32_t)(p->out_stride[d] * p->dims[d]);
        idx[d] = 0;
    }
}

/* MEAN / SUM of int8 or int16 (`type`): the multiplier of input_scale / output_scale; MEAN
 * (`mean`) folds 1/count into it as TFLM does: shifted left by floor(log2(count)), at most 32 and
 * 31 + its exponent, then divided by count. The int32 sums live in scratch. */
static inline int hil_quantized_sum_prepare(hil_graph *g, hil_node *node, int type, int mean)
{
    hil_mean_params *p = 0;
    int status = hil_mean_prepare_shape(g, node, type, &p);
    if (status != HIL_OK)
        return status;
    const hil_tensor *input = hil_node_input(g, node, 0), *output = hil_node_output(g, node, 0);
    p->input_zp = input->zero_point;
    p->output_zp = output->zero_point;
    int shift;
    hil_quantize_multiplier((double)input->scale / (double)output->scale, &p->multiplier, &shift);
    p->shift = shift;
    if (mean) {
        int log2_count = 0;
        while ((p->count >> (log2_count + 1)) > 0)
            log2_count++;
        int extra = log2_count < 32 ? log2_count : 32;
        if (extra > 31 + shift)
            extra = 31 + shift;
        p->multiplier = (int32_t)(((int64_t)p->multiplier << extra) / p->count);
        p->shift = shift - extra;
    }
    node->params = p;
    return hil_request_scratch(g, node, p->out_elems * (uint32_t)sizeof(int32_t));
}

/* The raw values summed in int32 per output, then (sum - input_zp * count) requantized, offset
 * and clamped to the type (int16 when `wide`, else int8). */
static inline int hil_quantized_sum_eval(hil_graph *g, hil_node *node, int wide)
{
    const hil_mean_params *p = node->params;
    const void *input = hil_node_input(g, node, 0)->data;
    void *out = hil_node_output(g, node, 0)->data;
    int32_t *sums = hil_scratch(g, node);
    int32_t idx[HIL_MAX_DIMS] = {0};
    uint32_t o = 0;

    memset(sums, 0, p->out_elems * sizeof *sums);
    for (uint32_t i = 0; i < p->in_elems; i++) {
        sums[o] += wide ? ((const int16_t *)input)[i] : ((const int8_t *)input)[i];
        hil_reduce_step(p, idx, &o);
    }
    const int32_t low = wide ? INT16_MIN : INT8_MIN, high = wide ? INT16_MAX : INT8_MAX;
    for (uint32_t k = 0; k < p->out_elems; k++) {
        int32_t shifted = (int32_t)((int64_t)sums[k] - (int64_t)p->input_zp * p->count);
        int32_t v = hil_clamp(hil_multiply_by_quantized_multiplier(shifted, p->multiplier, p->shift) + p->output_zp,
                              low, high);
        if (wide)
            ((int16_t *)out)[k] = (int16_t)v;
        else
            ((int8_t *)out)[k] = (int8_t)v;
    }
    return HIL_OK;
}

#endif
