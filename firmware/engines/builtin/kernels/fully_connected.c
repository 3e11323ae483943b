/* FULLY_CONNECTED, int8 activations and weights (per-tensor or per-channel), int32 bias:
 * the arithmetic of TFLM's reference_integer_ops::FullyConnected(PerChannel). */
#include "fully_connected.h"
#include "hil_protocol.h"

/* The optimized paths (fully_connected_dsp.c, included at the end of this file). */
static int fc_dsp_eval(hil_graph *g, hil_node *node);

static int fc_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *input = hil_node_input(g, node, 0);
    hil_tensor *filter = hil_node_input(g, node, 1);
    hil_tensor *bias = hil_node_input(g, node, 2);
    hil_tensor *output = hil_node_output(g, node, 0);
    int status = hil_fc_check(g, node, HIL_INT8, input, filter, bias, output);
    if (status != HIL_OK)
        return status;

    fc_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    if (hil_fc_shape(input, filter, bias, output, &p->batches, &p->depth, &p->units) != 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "tensor shapes do not agree");
    p->input_offset = -input->zero_point;
    p->filter_offset = -filter->zero_point;
    p->output_offset = output->zero_point;
    hil_activation_range(output, hil_fb_i8(&g->fb, &node->options, HIL_FC_OPT_ACTIVATION, 0),
                         &p->act_min, &p->act_max);
    node->params = p;
    p->optimized = HIL_OPT_KERNELS && hil_opt_enabled && p->filter_offset == 0;
    return hil_requant_prepare_fc(g, node, input, filter, output, p->units, &p->requant);
}

static int fc_eval(hil_graph *g, hil_node *node)
{
    const fc_params *p = node->params;
    if (p->optimized)
        return HIL_MVE_KERNELS ? hil_fc_mve_eval(g, node) : fc_dsp_eval(g, node); /* fully_connected_{mve,dsp}.c */
    const int8_t *input = (const int8_t *)hil_node_input(g, node, 0)->data;
    const int8_t *filter = (const int8_t *)hil_node_input(g, node, 1)->data;
    const hil_tensor *bias_t = hil_node_input(g, node, 2);
    const int32_t *bias = bias_t ? (const int32_t *)(const void *)bias_t->data : 0;
    int8_t *output = (int8_t *)hil_node_output(g, node, 0)->data;
    int per_channel = p->requant.channels > 1;

    for (uint32_t b = 0; b < p->batches; b++) {
        const int8_t *in = input + b * p->depth;
        for (uint32_t u = 0; u < p->units; u++) {
            const int8_t *w = filter + u * p->depth;
            int32_t acc = 0;
            for (uint32_t d = 0; d < p->depth; d++)
                acc += ((int32_t)w[d] + p->filter_offset) * ((int32_t)in[d] + p->input_offset);
            if (bias)
                acc += bias[u];
            uint32_t c = per_channel ? u : 0;
            acc = hil_multiply_by_quantized_multiplier(acc, p->requant.multiplier[c], p->requant.shift[c]);
            output[b * p->units + u] = (int8_t)hil_clamp(acc + p->output_offset, p->act_min, p->act_max);
        }
    }
    return HIL_OK;
}

#define HIL_DSP_IN_KERNEL_UNIT
#include "fully_connected_dsp.c"

const hil_kernel hil_kernel_fully_connected = {9, "FULLY_CONNECTED", fc_prepare, fc_eval};
