/* FULLY_CONNECTED 16x8: int16 activations, int8 weights (per-channel or per-tensor), int64 or
 * int32 bias: the arithmetic of TFLM's reference_integer_ops::FullyConnected(PerChannel) for
 * int16. Unlike the 16x8 convolutions, TFLM applies the input and output zero points here
 * (per-tensor weights also their zero point), accumulating in int64 (int32 with an int32 bias). */
#include "fully_connected.h"
#include "gemm_dsp.h"
#include "gemm_dsp16.h"
#include "hil_protocol.h"
#include "s16x8.h"
#include "simd.h"

typedef struct {
    hil_stage16 stage;
    int32_t input_offset, filter_offset;
    uint32_t batches, depth, units;
    uint8_t optimized; /* the 16x8 matrix multiply applies (no input or weight offset) */
} fc16_params;

static int fc16_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *input = hil_node_input(g, node, 0), *filter = hil_node_input(g, node, 1);
    hil_tensor *bias = hil_node_input(g, node, 2), *output = hil_node_output(g, node, 0);
    int status = hil_fc_check(g, node, HIL_INT16, input, filter, bias, output);
    if (status != HIL_OK)
        return status;
    fc16_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    if (hil_fc_shape(input, filter, bias, output, &p->batches, &p->depth, &p->units) != 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "tensor shapes do not agree");
    node->params = p;
    p->input_offset = -input->zero_point;
    p->filter_offset = filter->scales.len > 1 ? 0 : -filter->zero_point; /* TFLM's per-channel path has none */
    p->stage.out_offset = output->zero_point;
    status = hil_stage16_prepare(g, node, input, filter, bias, output, p->units,
                                 hil_fb_i8(&g->fb, &node->options, HIL_FC_OPT_ACTIVATION, 0),
                                 hil_fb_i8(&g->fb, &node->options, HIL_FC_OPT_QUANTIZED_BIAS_TYPE, 0), 1, &p->stage);
    if (status != HIL_OK || !HIL_OPT_KERNELS || !hil_opt_enabled || p->input_offset || p->filter_offset)
        return status;
    p->optimized = 1; /* scratch: the columns of two rows */
    return hil_request_scratch(g, node, 4u * hil_cols_words((int32_t)p->depth));
}

static void fc16_eval_opt(hil_graph *g, const hil_node *node, const fc16_params *p, const int16_t *input,
                          const int8_t *filter, int16_t *output);

static int fc16_eval(hil_graph *g, hil_node *node)
{
    fc16_params *p = node->params;
    const int16_t *input = (const int16_t *)(const void *)hil_node_input(g, node, 0)->data;
    const int8_t *filter = (const int8_t *)hil_node_input(g, node, 1)->data;
    const hil_tensor *bias = hil_node_input(g, node, 2);
    int16_t *output = (int16_t *)(void *)hil_node_output(g, node, 0)->data;
    p->stage.bias = bias ? bias->data : 0;
    if (p->optimized) {
        fc16_eval_opt(g, node, p, input, filter, output);
        return HIL_OK;
    }
    for (uint32_t b = 0; b < p->batches; b++) {
        const int16_t *in = input + b * p->depth;
        for (uint32_t u = 0; u < p->units; u++) {
            const int8_t *w = filter + u * p->depth;
            int64_t acc = 0;
            for (uint32_t d = 0; d < p->depth; d++)
                acc += ((int32_t)w[d] + p->filter_offset) * ((int32_t)in[d] + p->input_offset);
            output[b * p->units + u] = hil_stage16_out(&p->stage, acc + hil_stage16_bias(&p->stage, (int32_t)u), (int32_t)u);
        }
    }
    return HIL_OK;
}

/* ---- optimized path (HIL_OPT_KERNELS): rows of two batches packed into columns once, then
 * the 16x8 matrix multiply (gemm_dsp16.h) over the units. ---- */

#if HIL_OPT_KERNELS

static void fc16_eval_opt(hil_graph *g, const hil_node *node, const fc16_params *p, const int16_t *input,
                          const int8_t *filter, int16_t *output)
{
    const int32_t depth = (int32_t)p->depth, units = (int32_t)p->units;
    uint32_t *cols = hil_scratch(g, node);
    /* No channel table (hil_chan16_table): each unit's stage runs once per row, so building one
     * costs what it saves. */
    for (uint32_t b = 0; b < p->batches; b += 2) {
        const int two = b + 1 < p->batches;
        const int16_t *a = input + b * p->depth;
        hil_cols_pack16(a, two ? a + depth : 0, depth, cols);
        hil_gemm_s16(cols, filter, depth, depth, units, &p->stage, 0, output + b * p->units,
                     two ? output + (b + 1) * p->units : 0);
    }
}

#else

static void fc16_eval_opt(hil_graph *g, const hil_node *node, const fc16_params *p, const int16_t *input,
                          const int8_t *filter, int16_t *output)
{
}

#endif

const hil_kernel hil_kernel_fully_connected_i16 = {9, "FULLY_CONNECTED", fc16_prepare, fc16_eval};
