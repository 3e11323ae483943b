/* int4 packed weights around an int8 kernel (int4_weights.h). Element 2i is the low nibble of
 * byte i, element 2i + 1 the high one, each sign-extended (TFLM's packing). */
#include "int4_weights.h"

#include "hil_protocol.h"

typedef struct {
    const hil_kernel *inner;
    void *inner_params;
    const uint8_t *packed;
    uint32_t count, packed_bytes, unpack_at; /* unpacked weights at scratch + unpack_at */
} i4_state;

/* Shows the weights to the int8 kernel as `count` int8 values at `data`, or back as int4. */
static void as_int8(hil_tensor *w, const i4_state *s, const void *data)
{
    w->type = HIL_INT8;
    w->bytes = s->count;
    w->data = (uint8_t *)(uintptr_t)data;
}

static void as_int4(hil_tensor *w, const i4_state *s)
{
    w->type = HIL_INT4;
    w->bytes = s->packed_bytes;
    w->data = (uint8_t *)(uintptr_t)s->packed;
}

int hil_i4_prepare(hil_graph *g, hil_node *node, const hil_kernel *int8_kernel, int per_tensor_only)
{
    hil_tensor *w = hil_node_input(g, node, 1);
    if (!w || w->type != HIL_INT4 || !w->is_const)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int4 weights must be a constant tensor");
    if (per_tensor_only && w->scales.len > 1)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int4 weights must be quantized per tensor (as TFLM requires)");
    i4_state *s = hil_persistent_alloc(g, sizeof *s);
    if (!s)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    s->inner = int8_kernel;
    s->packed = w->data;
    s->count = hil_num_elements(w);
    s->packed_bytes = w->bytes;
    as_int8(w, s, s->packed); /* the int8 prepare reads shapes and quantization, never the values */
    int status = int8_kernel->prepare(g, node);
    as_int4(w, s);
    if (status != HIL_OK)
        return status;
    s->inner_params = node->params;
    node->params = s;
    s->unpack_at = hil_grow_scratch(g, node, s->count);
    return s->unpack_at == UINT32_MAX ? hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full") : HIL_OK;
}

int hil_i4_eval(hil_graph *g, hil_node *node)
{
    i4_state *s = node->params;
    int8_t *dst = (int8_t *)hil_scratch(g, node) + s->unpack_at;
    for (uint32_t i = 0; i < s->count; i++) {
        uint8_t byte = s->packed[i / 2];
        dst[i] = (int8_t)((i & 1u ? byte : (uint8_t)(byte << 4)) & 0xF0u) >> 4;
    }
    hil_tensor *w = hil_node_input(g, node, 1);
    as_int8(w, s, dst);
    node->params = s->inner_params;
    int status = s->inner->eval(g, node);
    node->params = s;
    as_int4(w, s);
    return status;
}
