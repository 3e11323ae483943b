/* SPACE_TO_BATCH_ND, any element size (space_batch.h), as TFLM's reference: output pixel
 * (b, h, w) of output batch b = shift * space_b + input batch reads input pixel
 * (h * block_h + shift_h - pad_top, w * block_w + shift_w - pad_left), or is padding. TFLM pads
 * with params.output_offset, a field its kernel never sets: zero bytes when its persistent buffer
 * comes from a fresh (zeroed) arena, as on a device after reset, and what this kernel writes, for
 * int8 too, whatever the zero point (TFLite pads int8 with the zero point instead). */
#include "space_batch.h"

static int space_to_batch_prepare(hil_graph *g, hil_node *node)
{
    return hil_space_batch_prepare(g, node, hil_node_input(g, node, 0), hil_node_output(g, node, 0));
}

static int space_to_batch_eval(hil_graph *g, hil_node *node) { return hil_space_batch_copy(g, node, 1); }

const hil_kernel hil_kernel_space_to_batch_nd = {38, "SPACE_TO_BATCH_ND", space_to_batch_prepare, space_to_batch_eval};
