/* BATCH_TO_SPACE_ND, any element size (space_batch.h), as TFLM's reference: input pixel
 * (b, h, w) of input batch b = shift * space_b + output batch lands at output pixel
 * (h * block_h + shift / block_w - crop_top, w * block_w + shift % block_w - crop_left) unless
 * cropped away. */
#include "space_batch.h"

static int batch_to_space_prepare(hil_graph *g, hil_node *node)
{
    return hil_space_batch_prepare(g, node, hil_node_output(g, node, 0), hil_node_input(g, node, 0));
}

static int batch_to_space_eval(hil_graph *g, hil_node *node) { return hil_space_batch_copy(g, node, 0); }

const hil_kernel hil_kernel_batch_to_space_nd = {37, "BATCH_TO_SPACE_ND", batch_to_space_prepare, batch_to_space_eval};
