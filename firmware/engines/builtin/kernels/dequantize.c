/* DEQUANTIZE, int8 / int16 / uint8 -> float32, per tensor: TFLM's reference Dequantize,
 * scale * (x - zero_point) in single precision. */
#include "hil_protocol.h"
#include "quant.h"

typedef struct {
    uint8_t in_type;
    float scale;
    int32_t zero_point;
    uint32_t size;
} dequantize_params;

static int dequantize_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 1 || hil_node_num_outputs(node) != 1 || !in || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs one input and one output");
    if ((in->type != HIL_INT8 && in->type != HIL_INT16 && in->type != HIL_UINT8) || out->type != HIL_FLOAT32)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED,
                          "only int8, int16 or uint8 input with float32 output is supported");
    if (in->scales.len != 1)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input must be quantized per tensor (one scale)");
    if (hil_num_elements(in) != hil_num_elements(out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output sizes differ");
    dequantize_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->in_type = in->type;
    p->scale = in->scale;
    p->zero_point = in->zero_point;
    p->size = hil_num_elements(in);
    node->params = p;
    return HIL_OK;
}

static int dequantize_eval(hil_graph *g, hil_node *node)
{
    const dequantize_params *p = node->params;
    const void *in = hil_node_input(g, node, 0)->data;
    float *out = (float *)(void *)hil_node_output(g, node, 0)->data;
    if (p->in_type == HIL_INT8)
        for (uint32_t i = 0; i < p->size; i++)
            out[i] = p->scale * (float)(((const int8_t *)in)[i] - p->zero_point);
    else if (p->in_type == HIL_UINT8)
        for (uint32_t i = 0; i < p->size; i++)
            out[i] = p->scale * (float)(((const uint8_t *)in)[i] - p->zero_point);
    else
        for (uint32_t i = 0; i < p->size; i++)
            out[i] = p->scale * (float)(((const int16_t *)in)[i] - p->zero_point);
    return HIL_OK;
}

const hil_kernel hil_kernel_dequantize = {6, "DEQUANTIZE", dequantize_prepare, dequantize_eval};
