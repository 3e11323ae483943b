/* SPACE_TO_DEPTH of any element size (TFLM: float32, int8): a 4-D NHWC input's block_size x
 * block_size tiles become channels, block row, block column and channel in that order, as TFLM's
 * reference. A strided view (view.h) over the output's six axes (batch, row, column, block row,
 * block column, channel). TFLM computes the output shape itself; a model whose output shape
 * differs is refused. */
#include "hil_protocol.h"
#include "view.h"

enum { SPACE_TO_DEPTH_OPT_BLOCK_SIZE = 0 }; /* SpaceToDepthOptions */

static int space_to_depth_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 1 || hil_node_num_outputs(node) != 1 || !in || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs one input and one output");
    if (in->ndim != 4 || in->type != out->type)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs a 4-D input and an output of its type");
    const int32_t bs = hil_fb_i32(&g->fb, &node->options, SPACE_TO_DEPTH_OPT_BLOCK_SIZE, 0);
    const int32_t n = in->dims[0], h = in->dims[1], w = in->dims[2], c = in->dims[3];
    if (bs < 1 || h % bs != 0 || w % bs != 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "block_size must divide the input's height and width");
    const int32_t want[4] = {n, h / bs, w / bs, c * bs * bs};
    if (out->ndim != 4 || memcmp(out->dims, want, sizeof want) != 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output shape differs from the one block_size gives");
    hil_view *v = hil_persistent_alloc(g, sizeof *v);
    if (!v)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    const int32_t dims[6] = {n, h / bs, w / bs, bs, bs, c};
    const int32_t step[6] = {h * w * c, bs * w * c, bs * c, w * c, c, 1};
    hil_view_build(v, 6, dims, step, 0, hil_dtype_size(in->type));
    node->params = v;
    return HIL_OK;
}

static int space_to_depth_eval(hil_graph *g, hil_node *node)
{
    hil_view_copy(node->params, hil_node_input(g, node, 0)->data, hil_node_output(g, node, 0)->data);
    return HIL_OK;
}

const hil_kernel hil_kernel_space_to_depth = {26, "SPACE_TO_DEPTH", space_to_depth_prepare, space_to_depth_eval};
