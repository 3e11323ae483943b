/* L2_NORMALIZATION over the last dimension, int8, up to 4-D: TFLM's
 * reference_integer_ops::L2Normalization. The squared offset inputs of a row are summed in int32,
 * 1 / sqrt of the sum becomes a multiplier and shift (GetInvSqrtQuantizedMultiplierExp; sums of 0
 * and 1 give 1), and each offset input is rescaled by it into 1/128 units, whatever the output's
 * quantization says (the converter writes 1/128 and 0). */
#include "fixedpoint.h"
#include "last_axis.h"

enum { L2_NORM_OPT_ACTIVATION = 0 };
#define OUTPUT_SCALE_BITS 7

typedef struct {
    int32_t input_zero_point;
    uint32_t outer, depth;
} l2_norm_params;

static int l2_norm_prepare(hil_graph *g, hil_node *node)
{
    int status = hil_last_axis_check(g, node, HIL_INT8, 4);
    if (status != HIL_OK)
        return status;
    if (hil_fb_i8(&g->fb, &node->options, L2_NORM_OPT_ACTIVATION, 0) != HIL_ACT_NONE)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "fused activation must be NONE (as in TFLM)");
    l2_norm_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    const hil_tensor *in = hil_node_input(g, node, 0);
    p->input_zero_point = in->zero_point;
    hil_last_axis_rows(in, &p->outer, &p->depth);
    node->params = p;
    return HIL_OK;
}

static int l2_norm_eval(hil_graph *g, hil_node *node)
{
    const l2_norm_params *p = node->params;
    const int8_t *in = (const int8_t *)hil_node_input(g, node, 0)->data;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    for (uint32_t r = 0; r < p->outer; r++, in += p->depth, out += p->depth) {
        uint32_t acc = 0; /* fits: (2^8 - 1)^2 per element over at most 2^16 of them */
        for (uint32_t c = 0; c < p->depth; c++) {
            int32_t v = in[c] - p->input_zero_point;
            acc += (uint32_t)(v * v);
        }
        int32_t multiplier;
        int shift;
        hil_inv_sqrt_multiplier((int32_t)acc, &multiplier, &shift);
        for (uint32_t c = 0; c < p->depth; c++) {
            int32_t v = hil_multiply_by_quantized_multiplier(in[c] - p->input_zero_point, multiplier,
                                                             shift + OUTPUT_SCALE_BITS);
            out[c] = (int8_t)hil_clamp(v, INT8_MIN, INT8_MAX);
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_l2_normalization = {11, "L2_NORMALIZATION", l2_norm_prepare, l2_norm_eval};
