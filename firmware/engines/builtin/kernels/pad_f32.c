/* PAD, float32, up to HIL_MAX_DIMS dimensions: TFLM's reference_ops::Pad with the pad value 0.
 * The paddings tensor is a constant [ndim, 2] int32 or int64 tensor of (before, after) pairs;
 * the form with a constant_values input (PADV2's) is refused, as in the int8 kernel. */
#include <string.h>

#include "common_f32.h"
#include "pad.h"

static int pad_f32_prepare(hil_graph *g, hil_node *node) { return hil_pad_prepare_type(g, node, HIL_FLOAT32); }

static void fill_zero(float *out, int32_t n)
{
    for (int32_t i = 0; i < n; i++)
        out[i] = 0.0f;
}

/* Output rows in order: a row whose outer coordinates all fall inside the input gets
 * [0..., input row, 0...], any other row is all zeros. */
static int pad_f32_eval(hil_graph *g, hil_node *node)
{
    const hil_pad_params *p = node->params;
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
