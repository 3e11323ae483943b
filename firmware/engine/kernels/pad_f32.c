/* PAD, float32, up to HIL_MAX_DIMS dimensions: TFLM's reference_ops::Pad with the pad value 0.
 * The paddings tensor is a constant [ndim, 2] int32 or int64 tensor of (before, after) pairs;
 * the form with a constant_values input (PADV2's) is refused, as in the int8 kernel. */
#include <string.h>

#include "common_f32.h"

typedef struct {
    int32_t ndim;
    int32_t in_dims[HIL_MAX_DIMS], out_dims[HIL_MAX_DIMS], before[HIL_MAX_DIMS];
    int32_t out_rows; /* product of every output dimension but the last */
} pad_f32_params;

static int64_t padding_at(const hil_tensor *paddings, uint32_t i)
{
    if (paddings->type == HIL_INT64) {
        const uint8_t *p = paddings->data + 8u * i;
        return (int64_t)((uint64_t)hil_le32(p) | ((uint64_t)hil_le32(p + 4) << 32));
    }
    return (int32_t)hil_le32(paddings->data + 4u * i);
}

static int pad_f32_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *input = hil_node_input(g, node, 0);
    hil_tensor *paddings = hil_node_input(g, node, 1);
    hil_tensor *output = hil_node_output(g, node, 0);
    if (!input || !paddings || !output || hil_node_num_outputs(node) != 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, paddings and one output");
    if (hil_node_num_inputs(node) > 2)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "a constant_values input (the PADV2 form) is not supported");
    if (!hil_f32_all(input, output))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "float32 kernel: input and output must be float32");
    if ((paddings->type != HIL_INT32 && paddings->type != HIL_INT64) || !paddings->is_const)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "paddings must be a constant int32 or int64 tensor");
    int32_t ndim = output->ndim;
    if (input->ndim != ndim || ndim == 0 || hil_num_elements(paddings) != 2u * (uint32_t)ndim)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "paddings do not hold two values per dimension");
    pad_f32_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->ndim = ndim;
    p->out_rows = 1;
    for (int32_t d = 0; d < ndim; d++) {
        int64_t before = padding_at(paddings, 2u * (uint32_t)d);
        int64_t after = padding_at(paddings, 2u * (uint32_t)d + 1u);
        if (before < 0 || after < 0)
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "negative paddings are not supported");
        if (before + input->dims[d] + after != output->dims[d])
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output shape does not match the paddings");
        p->before[d] = (int32_t)before;
        p->in_dims[d] = input->dims[d];
        p->out_dims[d] = output->dims[d];
        if (d < ndim - 1)
            p->out_rows *= output->dims[d];
    }
    node->params = p;
    return HIL_OK;
}

static void fill_zero(float *out, int32_t n)
{
    for (int32_t i = 0; i < n; i++)
        out[i] = 0.0f;
}

/* Output rows in order: a row whose outer coordinates all fall inside the input gets
 * [0..., input row, 0...], any other row is all zeros. */
static int pad_f32_eval(hil_graph *g, hil_node *node)
{
    const pad_f32_params *p = node->params;
    const float *input = (const float *)(const void *)hil_node_input(g, node, 0)->data;
    float *out = (float *)(void *)hil_node_output(g, node, 0)->data;
    const int32_t last = p->ndim - 1;
    const int32_t in_len = p->in_dims[last], out_len = p->out_dims[last];
    const int32_t before = p->before[last], after = out_len - before - in_len;
    int32_t idx[HIL_MAX_DIMS] = {0};
    for (int32_t r = 0; r < p->out_rows; r++, out += out_len) {
        int inside = 1;
        int32_t in_row = 0;
        for (int32_t d = 0; d < last; d++) {
            int32_t i = idx[d] - p->before[d];
            if (i < 0 || i >= p->in_dims[d])
                inside = 0;
            in_row = in_row * p->in_dims[d] + i;
        }
        if (!inside) {
            fill_zero(out, out_len);
        } else {
            fill_zero(out, before);
            memcpy(out + before, input + (size_t)in_row * (size_t)in_len, (size_t)in_len * sizeof(float));
            fill_zero(out + before + in_len, after);
        }
        for (int32_t d = last - 1; d >= 0; d--) {
            if (++idx[d] < p->out_dims[d])
                break;
            idx[d] = 0;
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_pad_f32 = {34, "PAD", pad_f32_prepare, pad_f32_eval};
