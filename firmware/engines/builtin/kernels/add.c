/* ADD, int8, with broadcasting and a fused activation: the arithmetic of TFLM's
 * reference_integer_ops::AddFunc. Both inputs are shifted left by 20 bits, rescaled to a common
 * scale (twice the larger input scale) with per-input multipliers, summed, and the sum is
 * rescaled to the output scale. */
#include "broadcast.h"
#include "hil_protocol.h"
#include "quant.h"

enum { ADD_OPT_ACTIVATION = 0 };
#define ADD_LEFT_SHIFT 20

typedef struct {
    int32_t input1_offset, input2_offset, output_offset;
    int32_t input1_multiplier, input2_multiplier, output_multiplier;
    int input1_shift, input2_shift, output_shift;
    int32_t act_min, act_max;
    hil_broadcast bc;
} add_params;

/* TFLM's QuantizeMultiplierSmallerThanOneExp: the multiplier must lie in (0, 1). */
static int multiplier_below_one(double real, int32_t *multiplier, int *shift)
{
    if (!(real > 0.0 && real < 1.0))
        return 0;
    hil_quantize_multiplier(real, multiplier, shift);
    return *shift <= 0;
}

static int add_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in1 = hil_node_input(g, node, 0);
    hil_tensor *in2 = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 2 || !in1 || !in2 || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs two inputs and an output");
    if (in1->type != HIL_INT8 || in2->type != HIL_INT8 || out->type != HIL_INT8)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "only int8 inputs and output are supported");
    add_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    if (hil_broadcast_prepare(in1, in2, out, &p->bc) != 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input shapes do not broadcast to the output shape");

    p->input1_offset = -in1->zero_point;
    p->input2_offset = -in2->zero_point;
    p->output_offset = out->zero_point;
    double twice_max_input_scale = 2.0 * (double)(in1->scale > in2->scale ? in1->scale : in2->scale);
    if (!multiplier_below_one((double)in1->scale / twice_max_input_scale, &p->input1_multiplier, &p->input1_shift) ||
        !multiplier_below_one((double)in2->scale / twice_max_input_scale, &p->input2_multiplier, &p->input2_shift) ||
        !multiplier_below_one(twice_max_input_scale / ((double)(1 << ADD_LEFT_SHIFT) * (double)out->scale),
                              &p->output_multiplier, &p->output_shift))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED,
                          "quantization scales give a rescale factor outside (0, 1), which TFLM rejects");
    hil_activation_range(out, hil_fb_i8(&g->fb, &node->options, ADD_OPT_ACTIVATION, 0), &p->act_min, &p->act_max);
    node->params = p;
    return HIL_OK;
}

static void add_row(const void *params, const int8_t *in1, int32_t step1, const int8_t *in2, int32_t step2,
                    int8_t *out, int32_t n)
{
    const add_params *p = params;
    for (int32_t i = 0; i < n; i++, in1 += step1, in2 += step2) {
        int32_t a = (p->input1_offset + *in1) * (1 << ADD_LEFT_SHIFT);
        int32_t b = (p->input2_offset + *in2) * (1 << ADD_LEFT_SHIFT);
        int32_t sum = hil_multiply_by_quantized_multiplier(a, p->input1_multiplier, p->input1_shift) +
                      hil_multiply_by_quantized_multiplier(b, p->input2_multiplier, p->input2_shift);
        int32_t v = hil_multiply_by_quantized_multiplier(sum, p->output_multiplier, p->output_shift) +
                    p->output_offset;
        out[i] = (int8_t)hil_clamp(v, p->act_min, p->act_max);
    }
}

static int add_eval(hil_graph *g, hil_node *node)
{
    const add_params *p = node->params;
    hil_broadcast_run_int8(&p->bc, (const int8_t *)hil_node_input(g, node, 0)->data,
                           (const int8_t *)hil_node_input(g, node, 1)->data,
                           (int8_t *)hil_node_output(g, node, 0)->data, add_row, p);
    return HIL_OK;
}

const hil_kernel hil_kernel_add = {0, "ADD", add_prepare, add_eval};
