/* MUL, int8, with broadcasting and a fused activation: the arithmetic of TFLM's
 * reference_integer_ops::MulElementwise. The product of the offset inputs is rescaled by one
 * multiplier, input1_scale * input2_scale / output_scale. */
#include "broadcast.h"
#include "hil_protocol.h"
#include "quant.h"

enum { MUL_OPT_ACTIVATION = 0 };

typedef struct {
    int32_t input1_offset, input2_offset, output_offset;
    int32_t output_multiplier;
    int output_shift;
    int32_t act_min, act_max;
    hil_broadcast bc;
} mul_params;

static int mul_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in1 = hil_node_input(g, node, 0);
    hil_tensor *in2 = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 1 || !in1 || !in2 || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs two inputs and one output");
    if (in1->type != HIL_INT8 || in2->type != HIL_INT8 || out->type != HIL_INT8)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "only int8 inputs and output are supported");
    mul_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    if (hil_broadcast_prepare(in1, in2, out, &p->bc) != 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input shapes do not broadcast to the output shape");
    p->input1_offset = -in1->zero_point;
    p->input2_offset = -in2->zero_point;
    p->output_offset = out->zero_point;
    double real = (double)in1->scale * (double)in2->scale / (double)out->scale;
    hil_quantize_multiplier(real, &p->output_multiplier, &p->output_shift);
    hil_activation_range(out, hil_fb_i8(&g->fb, &node->options, MUL_OPT_ACTIVATION, 0), &p->act_min, &p->act_max);
    node->params = p;
    return HIL_OK;
}

static void mul_row(const void *params, const int8_t *in1, int32_t step1, const int8_t *in2, int32_t step2,
                    int8_t *out, int32_t n)
{
    const mul_params *p = params;
    for (int32_t i = 0; i < n; i++, in1 += step1, in2 += step2) {
        int32_t product = (p->input1_offset + *in1) * (p->input2_offset + *in2);
        int32_t v = hil_multiply_by_quantized_multiplier(product, p->output_multiplier, p->output_shift) +
                    p->output_offset;
        out[i] = (int8_t)hil_clamp(v, p->act_min, p->act_max);
    }
}

static int mul_eval(hil_graph *g, hil_node *node)
{
    const mul_params *p = node->params;
    hil_broadcast_run_int8(&p->bc, (const int8_t *)hil_node_input(g, node, 0)->data,
                           (const int8_t *)hil_node_input(g, node, 1)->data,
                           (int8_t *)hil_node_output(g, node, 0)->data, mul_row, p);
    return HIL_OK;
}

const hil_kernel hil_kernel_mul = {18, "MUL", mul_prepare, mul_eval};
