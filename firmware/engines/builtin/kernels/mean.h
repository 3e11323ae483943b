/* MEAN, int8 and float32, share their prepare: the axis tensor (a constant int32 list; negative
 * and repeated axes resolved as TFLite does), keep_dims, and the reduction's shape. The int8
 * kernel adds its requantization. Header-only (static inline). */
#ifndef HIL_MEAN_H
#define HIL_MEAN_H
#include <stdint.h>
#include <string.h>

#include "common_f32.h"
#include "graph.h"
#include "hil_protocol.h"

typedef struct {
    int32_t ndim;
    int32_t dims[HIL_MAX_DIMS];
    int32_t out_stride[HIL_MAX_DIMS]; /* output step per input index step; 0 on reduced axes */
    uint32_t in_elems, out_elems;
    int32_t count;                    /* input elements per output element */
    int32_t multiplier, shift;        /* int8: input_scale / output_scale / count */
    int32_t input_zp, output_zp;      /* int8 */
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

/* Checks the tensors for element type `type` (HIL_INT8 or HIL_FLOAT32), allocates the params
 * and fills the reduction's shape; *params is set on HIL_OK. */
static inline int hil_mean_prepare_shape(hil_graph *g, hil_node *node, int type, hil_mean_params **params)
{
    enum { OPT_KEEP_DIMS = 0 }; /* ReducerOptions */
    hil_tensor *input = hil_node_input(g, node, 0);
    hil_tensor *axis = hil_node_input(g, node, 1);
    hil_tensor *output = hil_node_output(g, node, 0);
    if (!input || !axis || !output || hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, an axis tensor and one output");
    if (type == HIL_INT8 && (input->type != HIL_INT8 || output->type != HIL_INT8))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "only int8 input and output are supported");
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

#endif
