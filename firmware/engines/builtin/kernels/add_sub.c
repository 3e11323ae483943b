#include "add_sub.h"

enum { OPT_ACTIVATION = 0 }; /* AddOptions and SubOptions */

/* The three real multipliers, in double. */
static void real_multipliers(const hil_tensor *in1, const hil_tensor *in2, const hil_tensor *out, int left_shift,
                             double real[3])
{
    double twice = 2 * (double)(in1->scale > in2->scale ? in1->scale : in2->scale);
    real[0] = (double)in1->scale / twice;
    real[1] = (double)in2->scale / twice;
    real[2] = twice / ((double)(1 << left_shift) * (double)out->scale);
}

int hil_add_sub_prepare(hil_graph *g, hil_node *node, int type)
{
    int status;
    hil_add_sub_params *p = hil_binary_prepare(g, node, type, type, sizeof *p, hil_binary_type_message(type), &status);
    if (!p)
        return status;
    hil_tensor *in1 = hil_node_input(g, node, 0), *in2 = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    int left_shift = type == HIL_INT16 ? HIL_ADD_SUB_LEFT_SHIFT_INT16 : HIL_ADD_SUB_LEFT_SHIFT_INT8;
    p->input1_offset = -in1->zero_point;
    p->input2_offset = -in2->zero_point;
    p->output_offset = out->zero_point;
    double real[3];
    real_multipliers(in1, in2, out, left_shift, real);
    if (!hil_quantize_multiplier_below_one(real[0], &p->input1_multiplier, &p->input1_shift) ||
        !hil_quantize_multiplier_below_one(real[1], &p->input2_multiplier, &p->input2_shift) ||
        !hil_quantize_multiplier_below_one(real[2], &p->output_multiplier, &p->output_shift))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED,
                          "quantization scales give a rescale factor outside (0, 1), which TFLM rejects");
    hil_activation_range(out, hil_fb_i8(&g->fb, &node->options, OPT_ACTIVATION, 0), &p->act_min, &p->act_max);
    node->params = p;
    /* Element i from element i of an input of the output's shape (same type), in order: the
     * output may take such an input's place (a residual block's sum in place of the branch). */
    hil_allow_alias_any(node);
    return HIL_OK;
}
