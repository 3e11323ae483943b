/* Prepare steps shared by CONV_2D and DEPTHWISE_CONV_2D, int8 and float32 (conv_geometry.h).
 * Weights: CONV_2D [out_c, kh, kw, in_c / groups], DEPTHWISE_CONV_2D [1, kh, kw, in_c * multiplier]. */
#include "conv_geometry.h"

#include "alias.h"
#include "hil_protocol.h"
#include "padding.h"

/* Conv2DOptions and DepthwiseConv2DOptions field numbers (-1: the table has no such field). */
typedef struct {
    int padding, stride_w, stride_h, multiplier, activation, dilation_w, dilation_h;
} conv_fields;

static const conv_fields FIELDS[2] = {
    [HIL_CONV] = {0, 1, 2, -1, 3, 4, 5},
    [HIL_DEPTHWISE] = {0, 1, 2, 3, 4, 5, 6},
};

int hil_conv_types_f32(hil_graph *g, hil_node *node, int kind, const hil_conv_tensors *t)
{
    if (t->input->type != HIL_FLOAT32 || t->output->type != HIL_FLOAT32 || t->filter->type != HIL_FLOAT32 ||
        (t->bias && t->bias->type != HIL_FLOAT32))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "float32 kernel: input, weights, bias and output must be float32");
    return HIL_OK;
}

int hil_conv_types_s8(hil_graph *g, hil_node *node, int kind, const hil_conv_tensors *t)
{
    if (t->input->type != HIL_INT8 || t->filter->type != HIL_INT8 || t->output->type != HIL_INT8)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "only int8 input, weights and output are supported");
    if (t->bias && t->bias->type != HIL_INT32)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "bias must be int32");
    return HIL_OK;
}

/* TFLM's 16x8 kernels: int16 activations, int8 weights; CONV_2D takes an int64 or int32 bias
 * (the accumulator follows it), DEPTHWISE_CONV_2D reads its bias as int64 only. */
int hil_conv_types_s16(hil_graph *g, hil_node *node, int kind, const hil_conv_tensors *t)
{
    if (t->input->type != HIL_INT16 || t->filter->type != HIL_INT8 || t->output->type != HIL_INT16)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int16 kernel: input and output must be int16, weights int8");
    if (t->bias && t->bias->type != HIL_INT64 && (kind == HIL_DEPTHWISE || t->bias->type != HIL_INT32))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED,
                          kind == HIL_DEPTHWISE ? "bias must be int64" : "bias must be int64 or int32");
    return HIL_OK;
}

int hil_conv_check_weights(hil_graph *g, hil_node *node, int kind, const hil_tensor *filter)
{
    if (filter->scales.len > 1 && filter->quantized_dimension != (kind == HIL_DEPTHWISE ? 3 : 0))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED,
                          kind == HIL_DEPTHWISE ? "per-channel weights must be quantized along dimension 3"
                                                : "per-channel weights must be quantized along dimension 0");
    for (uint32_t i = 0; i < filter->zero_points.len; i++)
        if (hil_fb_vec_i64(&g->fb, filter->zero_points, i) != 0)
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "weights zero point must be 0 (symmetric int8 weights)");
    return HIL_OK;
}

int hil_conv_check(hil_graph *g, hil_node *node, int kind, hil_conv_types_fn types, hil_conv_weights_fn weights,
                   hil_conv_tensors *t)
{
    t->input = hil_node_input(g, node, 0);
    t->filter = hil_node_input(g, node, 1);
    t->bias = hil_node_input(g, node, 2);
    t->output = hil_node_output(g, node, 0);
    if (!t->input || !t->filter || !t->output || hil_node_num_outputs(node) != 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, a filter and one output");
    int status = types(g, node, kind, t);
    if (status != HIL_OK)
        return status;
    if (t->input->ndim != 4 || t->filter->ndim != 4 || t->output->ndim != 4)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input, weights and output must be 4-D (NHWC)");
    if (kind == HIL_DEPTHWISE && (!t->filter->is_const || t->filter->dims[0] != 1))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "weights must be a constant [1, kh, kw, channels] tensor");
    if (kind == HIL_CONV && !t->filter->is_const)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "weights must be constant");
    return weights ? weights(g, node, kind, t->filter) : HIL_OK;
}

/* Output channels from the weights, and how they relate to the input channels. */
static int read_channels(hil_graph *g, hil_node *node, int kind, const hil_tensor *filter, hil_conv_geometry *w)
{
    w->filter_h = filter->dims[1];
    w->filter_w = filter->dims[2];
    if (kind == HIL_DEPTHWISE) {
        w->out_c = filter->dims[3];
        /* TFLM takes the multiplier from the options; a model whose shapes disagree with it is refused. */
        if (w->multiplier <= 0 || (int64_t)w->in_c * w->multiplier != w->out_c)
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "depth multiplier does not match the channel counts");
        return HIL_OK;
    }
    w->out_c = filter->dims[0];
    w->filter_c = filter->dims[3];
    if (w->in_c % w->filter_c != 0 || w->out_c % (w->in_c / w->filter_c) != 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input channels do not split into the weights' groups");
    w->filters_per_group = w->out_c / (w->in_c / w->filter_c);
    return HIL_OK;
}

int hil_conv_geometry_read(hil_graph *g, hil_node *node, int kind, const hil_conv_tensors *t, hil_conv_geometry *w,
                           int *activation)
{
    const conv_fields *f = &FIELDS[kind];
    const hil_fb_table *o = &node->options;
    int padding = hil_fb_i8(&g->fb, o, f->padding, HIL_PADDING_SAME);
    w->stride_w = hil_fb_i32(&g->fb, o, f->stride_w, 0);
    w->stride_h = hil_fb_i32(&g->fb, o, f->stride_h, 0);
    if (f->multiplier >= 0)
        w->multiplier = hil_fb_i32(&g->fb, o, f->multiplier, 0);
    w->dilation_w = hil_fb_i32(&g->fb, o, f->dilation_w, 1);
    w->dilation_h = hil_fb_i32(&g->fb, o, f->dilation_h, 1);
    int act = *activation = hil_fb_i8(&g->fb, o, f->activation, HIL_ACT_NONE);
    if (act != HIL_ACT_NONE && act != HIL_ACT_RELU && act != HIL_ACT_RELU6 && act != HIL_ACT_RELU_N1_TO_1)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "fused activation must be NONE, RELU, RELU6 or RELU_N1_TO_1");

    w->batches = t->input->dims[0];
    w->in_h = t->input->dims[1];
    w->in_w = t->input->dims[2];
    w->in_c = t->input->dims[3];
    int status = read_channels(g, node, kind, t->filter, w);
    if (status != HIL_OK)
        return status;

    hil_window_dim wh, ww;
    if (hil_window_axis(padding, w->in_h, w->filter_h, w->stride_h, w->dilation_h, &wh) ||
        hil_window_axis(padding, w->in_w, w->filter_w, w->stride_w, w->dilation_w, &ww))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "invalid padding, stride, dilation or filter size");
    w->out_h = wh.out;
    w->out_w = ww.out;
    w->pad_h = wh.pad;
    w->pad_w = ww.pad;
    const hil_tensor *out = t->output;
    if (out->dims[0] != w->batches || out->dims[1] != w->out_h || out->dims[2] != w->out_w ||
        out->dims[3] != w->out_c || (t->bias && hil_num_elements(t->bias) != (uint32_t)w->out_c))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "tensor shapes do not agree with the options");
    return HIL_OK;
}

void *hil_conv_params_new(hil_graph *g, hil_node *node, const hil_conv_spec *spec, size_t size, size_t geo_offset,
                          hil_conv_tensors *t, int *activation, int *status)
{
    *status = hil_conv_check(g, node, spec->kind, spec->types, spec->weights, t);
    if (*status != HIL_OK)
        return NULL;
    uint8_t *p = hil_persistent_alloc(g, size);
    if (!p) {
        *status = hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
        return NULL;
    }
    hil_conv_geometry *geo = (hil_conv_geometry *)(void *)(p + geo_offset);
    *status = hil_conv_geometry_read(g, node, spec->kind, t, geo, activation);
    return *status == HIL_OK ? p : NULL;
}

void hil_conv_allow_alias(hil_graph *g, hil_node *node, const hil_conv_geometry *w, int group)
{
    /* An output larger than the arena cannot be planned anyway: skip the per-pixel scan. */
    if ((uint64_t)w->batches * (uint64_t)w->out_h * (uint64_t)w->out_w * (uint64_t)w->out_c > g->arena_size)
        return;
    const hil_window_geometry a = hil_conv_window(w, 1);
    hil_allow_alias(g, node, 0, hil_window_alias_limit(&a, group));
}
