/* MEAN, float32, over a constant list of axes (negative and repeated axes resolved as TFLite
 * does), keep_dims either way: TFLM's reference Mean / ReduceGeneric for float. Each output is
 * the sum of its inputs, accumulated in input (row-major) order, divided by their count. */
#include <string.h>

#include "common_f32.h"

enum { OPT_KEEP_DIMS = 0 };

typedef struct {
    int32_t ndim;
    int32_t dims[HIL_MAX_DIMS];
    int32_t out_stride[HIL_MAX_DIMS]; /* output step per input index step; 0 on reduced axes */
    uint32_t in_elems, out_elems;
    float count;
} mean_f32_params;

static int64_t reduced_axes(const hil_tensor *input, const hil_tensor *axis, int reduced[HIL_MAX_DIMS])
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

static int mean_f32_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *input = hil_node_input(g, node, 0);
    hil_tensor *axis = hil_node_input(g, node, 1);
    hil_tensor *output = hil_node_output(g, node, 0);
    if (!input || !axis || !output || hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, an axis tensor and one output");
    if (!hil_f32_all(input, output))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "float32 kernel: input and output must be float32");
    if (axis->type != HIL_INT32 || !axis->is_const)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "axis must be a constant int32 tensor");
    if (input->ndim == 0)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "scalar input");
    mean_f32_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    int reduced[HIL_MAX_DIMS];
    int64_t count = reduced_axes(input, axis, reduced);
    if (count <= 0 || count > INT32_MAX)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "axis out of range");
    p->count = (float)count;
    p->ndim = input->ndim;
    p->in_elems = hil_num_elements(input);
    p->out_elems = p->in_elems / (uint32_t)count;
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
    node->params = p;
    return HIL_OK;
}

static int mean_f32_eval(hil_graph *g, hil_node *node)
{
    const mean_f32_params *p = node->params;
    const float *input = (const float *)(const void *)hil_node_input(g, node, 0)->data;
    float *out = (float *)(void *)hil_node_output(g, node, 0)->data;
    int32_t idx[HIL_MAX_DIMS] = {0};
    uint32_t o = 0;
    for (uint32_t k = 0; k < p->out_elems; k++)
        out[k] = 0.0f; /* the sums accumulate in the output itself */
    for (uint32_t i = 0; i < p->in_elems; i++) {
        out[o] += input[i];
        for (int32_t d = p->ndim - 1; d >= 0; d--) {
            o += (uint32_t)p->out_stride[d];
            if (++idx[d] < p->dims[d])
                break;
            o -= (uint32_t)(p->out_stride[d] * p->dims[d]);
            idx[d] = 0;
        }
    }
    for (uint32_t k = 0; k < p->out_elems; k++)
        out[k] = out[k] / p->count;
    return HIL_OK;
}

const hil_kernel hil_kernel_mean_f32 = {40, "MEAN", mean_f32_prepare, mean_f32_eval};
