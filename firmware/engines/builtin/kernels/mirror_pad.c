/* MIRROR_PAD, int8 and float32 (any element size), up to HIL_MAX_DIMS dimensions, as TFLM's
 * reference: each output element copies the input element its coordinates map to, per
 * dimension: inside the input as is; before it mirrored about the first element (REFLECT: the
 * edge is not repeated, SYMMETRIC: it is); after it mirrored about the last. The paddings must
 * be a constant [ndim, 2] int32 or int64 tensor matching the output shape, each at most the
 * input size (less one for REFLECT), as TensorFlow requires (TFLM does not check, and would read
 * outside the input). */
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"

enum { OPT_MODE = 0, MODE_REFLECT = 0 }; /* MirrorPadOptions, MirrorPadMode */

typedef struct {
    int32_t ndim, elem;
    int32_t offset; /* 1 for REFLECT, 0 for SYMMETRIC */
    uint32_t out_elems;
    int32_t in_dims[HIL_MAX_DIMS], out_dims[HIL_MAX_DIMS], before[HIL_MAX_DIMS];
    uint32_t in_stride[HIL_MAX_DIMS]; /* input elements per step of each dimension */
} mirror_pad_params;

static int check_paddings(hil_graph *g, hil_node *node, const hil_tensor *in, const hil_tensor *pads,
                          const hil_tensor *out, int32_t offset)
{
    if ((pads->type != HIL_INT32 && pads->type != HIL_INT64) || !pads->is_const || pads->ndim != 2)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "paddings must be a constant [ndim, 2] int32 or int64 tensor");
    if (pads->dims[0] != in->ndim || pads->dims[1] != 2 || in->ndim != out->ndim || in->ndim == 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "paddings do not hold two values per dimension");
    for (int32_t d = 0; d < in->ndim; d++) {
        int64_t before = hil_int_at(pads, 2u * (uint32_t)d), after = hil_int_at(pads, 2u * (uint32_t)d + 1u);
        if (before < 0 || after < 0 || before + in->dims[d] + after != out->dims[d])
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output shape does not match the paddings");
        if (before > in->dims[d] - offset || after > in->dims[d] - offset)
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID,
                              "a padding exceeds the input size (REFLECT: size - 1, SYMMETRIC: size)");
    }
    return HIL_OK;
}

static int mirror_pad_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0), *pads = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 1 || !in || !pads || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, paddings and one output");
    if (in->type != out->type)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output types differ");
    const int32_t offset = hil_fb_u8(&g->fb, &node->options, OPT_MODE, MODE_REFLECT) == MODE_REFLECT ? 1 : 0;
    int status = check_paddings(g, node, in, pads, out, offset);
    if (status != HIL_OK)
        return status;
    mirror_pad_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->ndim = in->ndim;
    p->elem = hil_dtype_size(in->type);
    p->offset = offset;
    p->out_elems = hil_num_elements(out);
    uint32_t stride = 1;
    for (int32_t d = p->ndim - 1; d >= 0; d--) {
        p->in_dims[d] = in->dims[d];
        p->out_dims[d] = out->dims[d];
        p->before[d] = (int32_t)hil_int_at(pads, 2u * (uint32_t)d);
        p->in_stride[d] = stride;
        stride *= (uint32_t)in->dims[d];
    }
    node->params = p;
    return HIL_OK;
}

static int32_t min32(int32_t a, int32_t b) { return a < b ? a : b; }

/* The input index an output index of one dimension copies (TFLM's GetInputDimension). */
static int32_t source_index(int32_t o, int32_t before, int32_t size, int32_t offset)
{
    if (o < before) {
        const int32_t edge = before + offset - 1;
        return edge - min32(o, edge - offset);
    }
    o -= before;
    if (o < size)
        return o;
    o -= size;
    const int32_t edge = size - 1 - offset;
    return edge - min32(o, edge);
}

static int mirror_pad_eval(hil_graph *g, hil_node *node)
{
    const mirror_pad_params *p = node->params;
    const uint8_t *in = hil_node_input(g, node, 0)->data;
    uint8_t *out = hil_node_output(g, node, 0)->data;
    const size_t elem = (size_t)p->elem;
    int32_t idx[HIL_MAX_DIMS] = {0};
    for (uint32_t i = 0; i < p->out_elems; i++, out += elem) {
        uint32_t src = 0;
        for (int32_t d = 0; d < p->ndim; d++)
            src += (uint32_t)source_index(idx[d], p->before[d], p->in_dims[d], p->offset) * p->in_stride[d];
        memcpy(out, in + src * elem, elem);
        for (int32_t d = p->ndim - 1; d >= 0; d--) { /* odometer over the output index */
            if (++idx[d] < p->out_dims[d])
                break;
            idx[d] = 0;
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_mirror_pad = {100, "MIRROR_PAD", mirror_pad_prepare, mirror_pad_eval};
