/* QUANTIZE: float32 -> int8 / int16 (TFLM's AffineQuantize: round(x / scale) + zero_point,
 * clamped) and integer requantization between the pairs TFLM has: int8 / int16 / int32 -> int8 /
 * int16, int8 / int16 -> int32, int8 <-> uint8 (TFLM's Requantize: (x - input_zero_point) *
 * input_scale / output_scale with the double-rounding multiplier, plus the output zero point,
 * clamped; int8 <-> uint8 at one scale with zero points 128 apart flips the top bit).
 * Per-tensor output only. */
#include <math.h>

#include "hil_protocol.h"
#include "quant.h"

typedef struct {
    uint8_t in_type, out_type;
    uint8_t flip_sign_bit; /* int8 <-> uint8, same scale, zero points 128 apart: x ^ 0x80 */
    float out_scale;
    int32_t in_zero_point, out_zero_point, multiplier;
    int shift;
    int32_t out_min, out_max;
    uint32_t size;
} quantize_params;

static int supported(int in, int out)
{
    switch (in) {
    case HIL_FLOAT32: return out == HIL_INT8 || out == HIL_INT16;
    case HIL_INT8: return out == HIL_INT8 || out == HIL_INT16 || out == HIL_INT32 || out == HIL_UINT8;
    case HIL_INT16: return out == HIL_INT8 || out == HIL_INT16 || out == HIL_INT32;
    case HIL_INT32: return out == HIL_INT8 || out == HIL_INT16;
    case HIL_UINT8: return out == HIL_INT8;
    default: return 0;
    }
}

static void range_of(int type, int32_t *lo, int32_t *hi)
{
    switch (type) {
    case HIL_INT8: *lo = INT8_MIN, *hi = INT8_MAX; break;
    case HIL_UINT8: *lo = 0, *hi = UINT8_MAX; break;
    case HIL_INT16: *lo = INT16_MIN, *hi = INT16_MAX; break;
    default: *lo = INT32_MIN, *hi = INT32_MAX; break;
    }
}

static int quantize_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 1 || hil_node_num_outputs(node) != 1 || !in || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs one input and one output");
    if (!supported(in->type, out->type))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED,
                          "supports float32 -> int8/int16, int8/int16/int32 -> int8/int16, int8/int16 -> int32 and "
                          "int8 <-> uint8");
    if (out->scales.len != 1 || !(out->scale > 0.0f))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "output must be quantized per tensor (one scale)");
    if (in->type != HIL_FLOAT32 && !(in->scale > 0.0f))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "integer input needs a quantization scale");
    if (hil_num_elements(in) != hil_num_elements(out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output sizes differ");
    quantize_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->in_type = in->type;
    p->out_type = out->type;
    p->out_scale = out->scale;
    p->in_zero_point = in->zero_point;
    p->out_zero_point = out->zero_point;
    if (in->type != HIL_FLOAT32)
        hil_quantize_multiplier((double)in->scale / (double)out->scale, &p->multiplier, &p->shift);
    int same_scale = p->multiplier == 1 << 30 && p->shift == 1;
    int32_t zero_point_diff = in->zero_point - out->zero_point;
    p->flip_sign_bit = same_scale && ((in->type == HIL_INT8 && out->type == HIL_UINT8 && zero_point_diff == -128) ||
                                      (in->type == HIL_UINT8 && out->type == HIL_INT8 && zero_point_diff == 128));
    range_of(out->type, &p->out_min, &p->out_max);
    p->size = hil_num_elements(in);
    node->params = p;
    return HIL_OK;
}

/* round(x / scale) as int32. Out-of-range values and NaN are undefined behaviour in TFLM's cast
 * (x86 gives INT32_MIN, Arm saturates); here they saturate and NaN maps to 0. */
static int32_t round_to_int32(float x)
{
    float r = roundf(x);
    if (r != r)
        return 0;
    if (r >= 2147483648.0f)
        return INT32_MAX;
    if (r < -2147483648.0f)
        return INT32_MIN;
    return (int32_t)r;
}

static int32_t load(const uint8_t *data, int type, uint32_t i)
{
    switch (type) {
    case HIL_INT8: return ((const int8_t *)data)[i];
    case HIL_UINT8: return data[i];
    case HIL_INT16: return ((const int16_t *)(const void *)data)[i];
    default: return ((const int32_t *)(const void *)data)[i];
    }
}

static void store(uint8_t *data, int type, uint32_t i, int32_t v)
{
    switch (type) {
    case HIL_INT8: ((int8_t *)data)[i] = (int8_t)v; break;
    case HIL_UINT8: data[i] = (uint8_t)v; break;
    case HIL_INT16: ((int16_t *)(void *)data)[i] = (int16_t)v; break;
    default: ((int32_t *)(void *)data)[i] = v; break;
    }
}

static int quantize_eval(hil_graph *g, hil_node *node)
{
    const quantize_params *p = node->params;
    const uint8_t *in = hil_node_input(g, node, 0)->data;
    uint8_t *out = hil_node_output(g, node, 0)->data;
    if (p->in_type == HIL_FLOAT32) {
        const float *x = (const float *)(const void *)in;
        for (uint32_t i = 0; i < p->size; i++) {
            int64_t v = (int64_t)round_to_int32(x[i] / p->out_scale) + p->out_zero_point;
            store(out, p->out_type, i, (int32_t)(v < p->out_min ? p->out_min : (v > p->out_max ? p->out_max : v)));
        }
        return HIL_OK;
    }
    if (p->flip_sign_bit) {
        for (uint32_t i = 0; i < p->size; i++)
            out[i] = in[i] ^ 0x80u;
        return HIL_OK;
    }
    for (uint32_t i = 0; i < p->size; i++) {
        int32_t x = (int32_t)((uint32_t)load(in, p->in_type, i) - (uint32_t)p->in_zero_point);
        int64_t v = (int64_t)hil_multiply_by_quantized_multiplier(x, p->multiplier, p->shift) + p->out_zero_point;
        store(out, p->out_type, i, (int32_t)(v < p->out_min ? p->out_min : (v > p->out_max ? p->out_max : v)));
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_quantize = {114, "QUANTIZE", quantize_prepare, quantize_eval};
