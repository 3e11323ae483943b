/* RELU6 of quantized int8 and int16 tensors: TFLM's Relu6Quantized clamps the input values to
 * [quantized 0, quantized 6] in the input's own quantization and stores them unchanged; it does
 * not requantize to the output tensor's scale (which the converter may set differently). Done
 * the same way for parity. Header-only. */
#ifndef HIL_RELU6_H
#define HIL_RELU6_H
#include <math.h>

#include "hil_protocol.h"
#include "quant.h"
#include "unary.h"

typedef struct {
    int32_t zero, six;
    uint32_t size;
} hil_relu6_params;

static inline int hil_relu6_prepare(hil_graph *g, hil_node *node, int type, int32_t type_min, int32_t type_max)
{
    int status = hil_unary_check(g, node, type);
    if (status != HIL_OK)
        return status;
    hil_tensor *in = hil_node_input(g, node, 0);
    if (!(in->scale > 0.0f))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input has no quantization scale");
    hil_relu6_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->zero = in->zero_point;
    /* TFLM's FloatToQuantizedType: round(6 / scale) + zero_point, clamped to the type */
    p->six = hil_clamp((int32_t)roundf(6.0f / in->scale) + in->zero_point, type_min, type_max);
    p->size = hil_num_elements(in);
    node->params = p;
    return HIL_OK;
}

static inline int32_t hil_relu6_element(const hil_relu6_params *p, int32_t v)
{
    return v > p->six ? p->six : (v < p->zero ? p->zero : v);
}

#endif
