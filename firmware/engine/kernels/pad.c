/* PAD, int8, up to HIL_MAX_DIMS dimensions: the result of TFLM's reference_ops::Pad /
 * PadImageStyle. The paddings tensor is a constant [ndim, 2] int32 or int64 tensor of
 * (before, after) pairs; the pad value is the output zero point (the quantized 0.0). Bytes are
 * copied unchanged, as TFLM does (the converter gives input and output the same quantization).
 * The form with a third constant_values input (PADV2's) is refused. */
#include <string.h>

#include "hil_protocol.h"
#include "quant.h"

typedef struct {
    int32_t ndim;
    int32_t in_dims[HIL_MAX_DIMS], out_dims[HIL_MAX_DIMS];
    int32_t before[HIL_MAX_DIMS];
    int32_t out_rows;   /* product of every output dimension but the last */
    int8_t pad_value;
} pad_params;

static int64_t padding_at(const hil_tensor *paddings, uint32_t i)
{
    if (paddings->type == HIL_INT64) {
        const uint8_t *p = paddings->data + 8u * i;
        return (int64_t)((uint64_t)hil_le32(p) | ((uint64_t)hil_le32(p + 4) << 32));
    }
    return (int32_t)hil_le32(paddings->data + 4u * i);
}

static int pad_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *input = hil_node_input(g, node, 0);
    hil_tensor *paddings = hil_node_input(g, node, 1);
    hil_tensor *output = hil_node_output(g, node, 0);
    if (!input || !paddings || !output || hil_node_num_outputs(node) != 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, paddings and one output");
    if (hil_node_num_inputs(node) > 2)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "a constant_values input (the PADV2 form) is not supported");
    if (input->type != HIL_INT8 || output->type != HIL_INT8)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "only int8 input and output are supported");
    if ((paddings->type != HIL_INT32 && paddings->type != HIL_INT64) || !paddings->is_const)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "paddings must be a constant int32 or int64 tensor");
    int32_t ndim = output->ndim;
    if (input->ndim != ndim || ndim == 0 || hil_num_elements(paddings) != 2u * (uint32_t)ndim)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "paddings do not hold two values per dimension");

    pad_params *p = hil_persistent_alloc(g, sizeof *p);
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
    p->pad_value = (int8_t)output->zero_point;
    node->params = p;
    return HIL_OK;
}

/* Output rows (all dimensions but the last) in order; a row whose outer coordinates all fall
 * inside the input gets [pad, input row, pad], any other row is all padding. */
static int pad_eval(hil_graph *g, hil_node *node)
{
    const pad_params *p = node->params;
    const int8_t *input = (const int8_t *)hil_node_input(g, node, 0)->data;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    const int32_t last = p->ndim - 1;
    const int32_t in_len = p->in_dims[last], out_len = p->out_dims[last];
    const int32_t before = p->before[last], after = out_len - before - in_len;
    int32_t idx[HIL_MAX_DIMS] = {0};

    for (int32_t r = 0; r < p->out_rows; r++, out += out_len) {
        int inside = 1;
        int32_t in_row = 0; /* row index in the input, valid when inside */
        for (int32_t d = 0; d < last; d++) {
            int32_t i = idx[d] - p->before[d];
            if (i < 0 || i >= p->in_dims[d])
                inside = 0;
            in_row = in_row * p->in_dims[d] + i;
        }
        if (!inside) {
            memset(out, p->pad_value, (size_t)out_len);
        } else {
            memset(out, p->pad_value, (size_t)before);
            memcpy(out + before, input + (size_t)in_row * (size_t)in_len, (size_t)in_len);
            memset(out + before + in_len, p->pad_value, (size_t)after);
        }
        for (int32_t d = last - 1; d >= 0; d--) { /* next outer index, last dimension fastest */
            if (++idx[d] < p->out_dims[d])
                break;
            idx[d] = 0;
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_pad = {34, "PAD", pad_prepare, pad_eval};
