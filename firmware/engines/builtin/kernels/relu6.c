/* RELU6, int8: TFLM's Relu6Quantized clamps the input values to [quantized 0, quantized 6] in
 * the input's own quantization and stores them unchanged; it does not requantize to the output
 * tensor's scale (which the converter may set differently). Done the same way for parity. */
#include <math.h>

#include "hil_protocol.h"
#include "unary.h"
#include "quant.h"

typedef struct {
    int8_t zero, six;
    uint32_t size;
} relu6_params;

/* TFLM's FloatToQuantizedType<int8_t>: round(value / scale) + zero_point, clamped to int8. */
static int8_t quantize_int8(float value, float scale, int32_t zero_point)
{
    return (int8_t)hil_clamp((int32_t)roundf(value / scale) + zero_point, INT8_MIN, INT8_MAX);
}

static int relu6_prepare(hil_graph *g, hil_node *node)
{
    int status = hil_unary_check(g, node, HIL_INT8);
    if (status != HIL_OK)
        return status;
    hil_tensor *in = hil_node_input(g, node, 0);
    if (!(in->scale > 0.0f))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input has no quantization scale");
    relu6_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->zero = (int8_t)in->zero_point;
    p->six = quantize_int8(6.0f, in->scale, in->zero_point);
    p->size = hil_num_elements(in);
    node->params = p;
    return HIL_OK;
}

static int relu6_eval(hil_graph *g, hil_node *node)
{
    const relu6_params *p = node->params;
    const int8_t *in = (const int8_t *)hil_node_input(g, node, 0)->data;
    int8_t *out = (int8_t *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++) {
        int8_t v = in[i];
        out[i] = v > p->six ? p->six : (v < p->zero ? p->zero : v);
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_relu6 = {21, "RELU6", relu6_prepare, relu6_eval};
