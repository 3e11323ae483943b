/* CAST between the types TFLM's kernel takes: int8, int16, int32, uint32, float32 and bool in;
 * int8, int16, int32, uint32 and float32 out (TFLM's static_cast per element). Integers narrow
 * by keeping the low bits (two's complement), as static_cast does; integers convert to float
 * rounding to nearest. float to integer truncates toward zero; values outside the integer type
 * (and NaN), undefined in C++, saturate here (NaN gives 0). One kernel for every cell. */
#include <math.h>

#include "hil_protocol.h"
#include "graph.h"

typedef struct {
    uint8_t in_type, out_type;
    uint32_t size;
} cast_params;

static int supported_out(int type)
{
    return type == HIL_INT8 || type == HIL_INT16 || type == HIL_INT32 || type == HIL_UINT32 || type == HIL_FLOAT32;
}

static int cast_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 1 || hil_node_num_outputs(node) != 1 || !in || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs one input and one output");
    if (!supported_out(out->type))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "output must be int8, int16, int32, uint32 or float32 (as in TFLM)");
    if (hil_num_elements(in) != hil_num_elements(out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output sizes differ");
    cast_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->in_type = in->type;
    p->out_type = out->type;
    p->size = hil_num_elements(in);
    node->params = p;
    return HIL_OK;
}

/* Integer element i as int64 (exact for every integer input type). */
static int64_t load_int(const uint8_t *data, int type, uint32_t i)
{
    switch (type) {
    case HIL_INT8: return ((const int8_t *)data)[i];
    case HIL_INT16: return ((const int16_t *)(const void *)data)[i];
    case HIL_INT32: return ((const int32_t *)(const void *)data)[i];
    case HIL_UINT32: return ((const uint32_t *)(const void *)data)[i];
    default: return data[i] != 0; /* bool */
    }
}

static int64_t float_to_int(float x, int64_t lo, int64_t hi)
{
    if (x != x)
        return 0;
    float t = truncf(x);
    return t <= (float)lo ? lo : (t >= (float)hi ? hi : (int64_t)t);
}

static void store(uint8_t *data, int type, uint32_t i, int64_t v, float f, int from_float)
{
    switch (type) {
    case HIL_INT8: ((int8_t *)data)[i] = (int8_t)(from_float ? float_to_int(f, INT8_MIN, INT8_MAX) : v); break;
    case HIL_INT16:
        ((int16_t *)(void *)data)[i] = (int16_t)(from_float ? float_to_int(f, INT16_MIN, INT16_MAX) : v);
        break;
    case HIL_INT32:
        ((int32_t *)(void *)data)[i] = (int32_t)(from_float ? float_to_int(f, INT32_MIN, INT32_MAX) : v);
        break;
    case HIL_UINT32:
        ((uint32_t *)(void *)data)[i] = (uint32_t)(from_float ? float_to_int(f, 0, UINT32_MAX) : v);
        break;
    default: ((float *)(void *)data)[i] = from_float ? f : (float)v; break;
    }
}

static int cast_eval(hil_graph *g, hil_node *node)
{
    const cast_params *p = node->params;
    const uint8_t *in = hil_node_input(g, node, 0)->data;
    uint8_t *out = hil_node_output(g, node, 0)->data;
    int from_float = p->in_type == HIL_FLOAT32;
    for (uint32_t i = 0; i < p->size; i++) {
        float f = from_float ? ((const float *)(const void *)in)[i] : 0.0f;
        store(out, p->out_type, i, from_float ? 0 : load_int(in, p->in_type, i), f, from_float);
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_cast = {53, "CAST", cast_prepare, cast_eval};
