/* DEPTH_TO_SPACE of any element size (TFLM: float32, int8): the inverse of SPACE_TO_DEPTH, as
 * TFLM's reference: each input position's channels, read as block row, block column and output
 * channel, become a block_size x block_size tile. A strided view (view.h) over the output's six
 * axes (batch, input row, block row, input column, block column, channel). */
#include "hil_protocol.h"
#include "view.h"

enum { DEPTH_TO_SPACE_OPT_BLOCK_SIZE = 0 }; /* DepthToSpaceOptions */

static int depth_to_space_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 1 || hil_node_num_outputs(node) != 1 || !in || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs one input and one output");
    if (in->ndim != 4 || in->type != out->type)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs a 4-D input and an output of its type");
    const int32_t bs = hil_fb_i32(&g->fb, &node->options, DEPTH_TO_SPACE_OPT_BLOCK_SIZE, 0);
    const int32_t n = in->dims[0], h = in->dims[1], w = in->dims[2], c = in->dims[3];
    if (bs < 1 || c % (bs * bs) != 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "block_size squared must divide the input's channels");
    const int32_t oc = c / (bs * bs);
    const int32_t want[4] = {n, h * bs, w * bs, oc};
    if (out->ndim != 4 || memcmp(out->dims, want, sizeof want) != 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output shape differs from the one block_size gives");
    hil_view *v = hil_persistent_alloc(g, sizeof *v);
    if (!v)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    const int32_t dims[6] = {n, h, bs, w, bs, oc};
    const int32_t step[6] = {h * w * c, w * c, bs * oc, c, oc, 1};
    hil_view_build(v, 6, dims, step, 0, hil_dtype_size(in->type));
    node->params = v;
    return HIL_OK;
}

static int depth_to_space_eval(hil_graph *g, hil_node *node)
{
    hil_view_copy(node->params, hil_node_input(g, node, 0)->data, hil_node_output(g, node, 0)->data);
    return HIL_OK;
}

const hil_kernel hil_kernel_depth_to_space = {5, "DEPTH_TO_SPACE", depth_to_space_prepare, depth_to_space_eval};
