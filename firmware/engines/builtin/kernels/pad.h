/* PAD and PADV2 share their prepare and their row copy: the paddings tensor (a constant
 * [ndim, 2] int32 or int64 tensor of (before, after) pairs), shapes, the element size, and where
 * the pad value comes from. int64 paddings are read as such (TFLM reads any paddings as int32;
 * tests/test_kernels_conv_native.py holds the int64 form to TFLM's result for int32). TFLM pads
 * with PADV2's constant_values scalar (read at each invoke, so it may be a model input); else
 * the output zero point for int8 and zero bytes for the other types (0, 0.0f). Bytes are copied unchanged: input, output and constant_values share their
 * quantization. Header-only (static inline). */
#ifndef HIL_PAD_H
#define HIL_PAD_H
#include <stdint.h>
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"

typedef struct {
    int32_t ndim;
    int32_t in_dims[HIL_MAX_DIMS], out_dims[HIL_MAX_DIMS];
    int32_t before[HIL_MAX_DIMS];
    int32_t out_rows;   /* product of every output dimension but the last */
    int32_t elem;       /* bytes per element */
    uint8_t value[4];   /* the pad value's bytes when there is no constant_values input */
} hil_pad_params;

static inline int hil_pad_check_value(hil_graph *g, hil_node *node, const hil_tensor *input, const hil_tensor *output)
{
    const hil_tensor *value = hil_node_input(g, node, 2);
    if (!value)
        return HIL_OK;
    if (value->type != input->type || hil_num_elements(value) != 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "constant_values must be one value of the input's type");
    if (input->type == HIL_INT8 && (value->zero_point != output->zero_point || value->scale != output->scale))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "constant_values must have the output's quantization");
    return HIL_OK;
}

/* Input and output of one type (int8, int16, int32 or float32), optional constant_values. */
static inline int hil_pad_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *input = hil_node_input(g, node, 0);
    hil_tensor *paddings = hil_node_input(g, node, 1);
    hil_tensor *output = hil_node_output(g, node, 0);
    unsigned n_in = hil_node_num_inputs(node);
    if (!input || !paddings || !output || hil_node_num_outputs(node) != 1 || n_in < 2 || n_in > 3)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, paddings, an optional value and one output");
    if (input->type != output->type)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output types differ");
    int status = hil_pad_check_value(g, node, input, output);
    if (status != HIL_OK)
        return status;
    if ((paddings->type != HIL_INT32 && paddings->type != HIL_INT64) || !paddings->is_const)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "paddings must be a constant int32 or int64 tensor");
    int32_t ndim = output->ndim;
    if (input->ndim != ndim || ndim == 0 || hil_num_elements(paddings) != 2u * (uint32_t)ndim)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "paddings do not hold two values per dimension");

    hil_pad_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->ndim = ndim;
    p->out_rows = 1;
    for (int32_t d = 0; d < ndim; d++) {
        int64_t before = hil_int_at(paddings, 2u * (uint32_t)d);
        int64_t after = hil_int_at(paddings, 2u * (uint32_t)d + 1u);
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
    p->elem = hil_dtype_size(input->type);
    if (input->type == HIL_INT8)
        p->value[0] = (uint8_t)(int8_t)output->zero_point;
    node->params = p;
    return HIL_OK;
}

/* n copies of the `elem`-byte value. */
static inline void hil_pad_fill(uint8_t *out, const uint8_t *value, int32_t elem, int32_t n)
{
    if (elem == 1) {
        memset(out, value[0], (size_t)n);
        return;
    }
    for (int32_t i = 0; i < n; i++, out += elem)
        memcpy(out, value, (size_t)elem);
}

/* Output rows (all dimensions but the last) in order; a row whose outer coordinates all fall
 * inside the input gets [pad, input row, pad], any other row is all padding. */
static inline int hil_pad_eval(hil_graph *g, hil_node *node)
{
    const hil_pad_params *p = node->params;
    const hil_tensor *value_tensor = hil_node_input(g, node, 2);
    const uint8_t *value = value_tensor ? value_tensor->data : p->value;
    const uint8_t *input = hil_node_input(g, node, 0)->data;
    uint8_t *out = hil_node_output(g, node, 0)->data;
    const int32_t last = p->ndim - 1, elem = p->elem;
    const int32_t in_len = p->in_dims[last], out_len = p->out_dims[last];
    const int32_t before = p->before[last], after = out_len - before - in_len;
    int32_t idx[HIL_MAX_DIMS] = {0};

    for (int32_t r = 0; r < p->out_rows; r++, out += (size_t)out_len * (size_t)elem) {
        int inside = 1;
        int32_t in_row = 0; /* row index in the input, valid when inside */
        for (int32_t d = 0; d < last; d++) {
            int32_t i = idx[d] - p->before[d];
            if (i < 0 || i >= p->in_dims[d])
                inside = 0;
            in_row = in_row * p->in_dims[d] + i;
        }
        if (!inside) {
            hil_pad_fill(out, value, elem, out_len);
        } else {
            hil_pad_fill(out, value, elem, before);
            memcpy(out + (size_t)before * (size_t)elem, input + (size_t)in_row * (size_t)in_len * (size_t)elem,
                   (size_t)in_len * (size_t)elem);
            hil_pad_fill(out + (size_t)(before + in_len) * (size_t)elem, value, elem, after);
        }
        for (int32_t d = last - 1; d >= 0; d--) { /* next outer index, last dimension fastest */
            if (++idx[d] < p->out_dims[d])
                break;
            idx[d] = 0;
        }
    }
    return HIL_OK;
}

#endif
