/* ADD_N, int8: TFLM's reference_ops::AddN for int8. Every input shares one scale and zero
 * point. Each offset input is shifted left by 20, halved by a Q31 multiplier, summed, and the sum
 * rescaled by 2 * input_scale / (2^20 * output_scale). TFLM's sum starts from the rescaled
 * offset of a zero input (its input offset), not from zero; so does this one. */
#include "add_n.h"
#include "quant.h"

#define ADD_N_LEFT_SHIFT 20

typedef struct {
    int32_t input_offset, output_offset;
    int32_t input_multiplier, output_multiplier;
    int input_shift, output_shift;
    uint32_t size;
} add_n_params;

static int add_n_prepare(hil_graph *g, hil_node *node)
{
    int status = hil_add_n_check(g, node, HIL_INT8, "only int8 inputs and output are supported");
    if (status != HIL_OK)
        return status;
    const hil_tensor *first = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    for (unsigned i = 1; i < hil_node_num_inputs(node); i++) {
        const hil_tensor *in = hil_node_input(g, node, i);
        if (in->scale != first->scale || in->zero_point != first->zero_point)
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int8 inputs need one scale and zero point (as in TFLM)");
    }
    add_n_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    double twice_input_scale = 2 * (double)first->scale;
    if (!hil_quantize_multiplier_below_one((double)first->scale / twice_input_scale, &p->input_multiplier,
                                           &p->input_shift) ||
        !hil_quantize_multiplier_below_one(twice_input_scale / ((1 << ADD_N_LEFT_SHIFT) * (double)out->scale),
                                           &p->output_multiplier, &p->output_shift))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED,
                          "quantization scales give a rescale factor outside (0, 1), which TFLM rejects");
    p->input_offset = -first->zero_point;
    p->output_offset = out->zero_point;
    p->size = hil_num_elements(out);
    node->params = p;
    return HIL_OK;
}

static int32_t add_n_scaled(const add_n_params *p, int32_t offset_input)
{
    int32_t shifted = (int32_t)((uint32_t)offset_input << ADD_N_LEFT_SHIFT);
    return hil_multiply_by_quantized_multiplier(shifted, p->input_multiplier, p->input_shift);
}

static int add_n_eval(hil_graph *g, hil_node *node)
{
    const add_n_params *p = node->params;
    const unsigned n = hil_node_num_inputs(node);
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    const int32_t base = add_n_scaled(p, p->input_offset);
    uint32_t sum[HIL_ADD_N_BLOCK]; /* wraps as TFLM's int32 sum does on its targets */
    for (uint32_t start = 0; start < p->size; start += HIL_ADD_N_BLOCK) {
        uint32_t len = p->size - start < HIL_ADD_N_BLOCK ? p->size - start : HIL_ADD_N_BLOCK;
        for (uint32_t k = 0; k < len; k++)
            sum[k] = (uint32_t)base;
        for (unsigned j = 0; j < n; j++) {
            const int8_t *in = (const int8_t *)hil_add_n_input(g, node, j) + start;
            for (uint32_t k = 0; k < len; k++)
                sum[k] += (uint32_t)add_n_scaled(p, p->input_offset + in[k]);
        }
        for (uint32_t k = 0; k < len; k++) {
            int32_t v = hil_multiply_by_quantized_multiplier((int32_t)sum[k], p->output_multiplier, p->output_shift);
            out[start + k] = (int8_t)hil_clamp(v + p->output_offset, INT8_MIN, INT8_MAX);
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_add_n = {106, "ADD_N", add_n_prepare, add_n_eval};
