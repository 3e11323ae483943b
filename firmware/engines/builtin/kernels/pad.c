/* PAD, int8, up to HIL_MAX_DIMS dimensions: the result of TFLM's reference_ops::Pad /
 * PadImageStyle. The paddings tensor is a constant [ndim, 2] int32 or int64 tensor of
 * (before, after) pairs; the pad value is the output zero point (the quantized 0.0). Bytes are
 * copied unchanged, as TFLM does (the converter gives input and output the same quantization).
 * The form with a third constant_values input (PADV2's) is refused. */
#include <string.h>

#include "pad.h"

static int pad_prepare(hil_graph *g, hil_node *node) { return hil_pad_prepare_type(g, node, HIL_INT8); }

/* Output rows (all dimensions but the last) in order; a row whose outer coordinates all fall
 * inside the input gets [pad, input row, pad], any other row is all padding. */
static int pad_eval(hil_graph *g, hil_node *node)
{
    const hil_pad_params *p = node->params;
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
