/* CAST: each element converted as static_cast in TFLM's reference (raw values: the quantization
 * is not looked at). TFLM's input types are int8, int16, int32, uint32, float32 and bool, its
 * output types int8, int16, int32, uint32 and float32. HIL_CAST_KERNEL defines the kernel of one
 * input type (cast.c int8, cast_i16.c, cast_i32.c, cast_u32.c, cast_f32.c, cast_bool.c), which
 * converts to every output type. Narrowing integer conversions keep the low bits (two's
 * complement, as static_cast on every target TFLM runs on); integers convert to float rounding to
 * nearest; float to integer truncates toward zero. A float outside the integer type (or NaN) is
 * undefined in C++ (x86 and Arm differ): here it saturates, NaN gives 0. Header-only. */
#ifndef HIL_CAST_H
#define HIL_CAST_H
#include <stdint.h>
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"

static inline int hil_cast_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 1 || hil_node_num_outputs(node) != 1 || !in || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs one input and one output");
    if (hil_num_elements(in) != hil_num_elements(out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output sizes differ");
    switch (out->type) {
    case HIL_INT8: case HIL_INT16: case HIL_INT32: case HIL_UINT32: case HIL_FLOAT32: return HIL_OK;
    default: return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "output must be int8, int16, int32, uint32 or float32 "
                                                             "(as in TFLM)");
    }
}

/* float to an integer type's range [lo, hi]: truncated, saturating outside it, NaN 0. */
static inline int64_t hil_cast_saturate(float x, int64_t lo, int64_t hi)
{
    if (x != x)
        return 0;
    if (x <= (float)lo)
        return lo;
    return x >= (float)hi ? hi : (int64_t)x;
}

#define HIL_CAST_WRAP(x, lo, hi) (x)
#define HIL_CAST_SATURATE(x, lo, hi) hil_cast_saturate((x), (lo), (hi))

/* n elements of `from` at `in` to `to` at `out`, each y = (to)(expr of x_) (memcpy: the arena
 * aligns tensors to 4 bytes, not to every type). */
#define HIL_CAST_LOOP(from, to, in, out, n, expr)                                                 \
    for (uint32_t i_ = 0; i_ < (n); i_++) {                                                       \
        from x_;                                                                                  \
        memcpy(&x_, (in) + i_ * sizeof(from), sizeof x_);                                         \
        to y_ = (to)(expr);                                                                       \
        memcpy((out) + i_ * sizeof(to), &y_, sizeof y_);                                          \
    }

/* to_int: HIL_CAST_WRAP for integer inputs, HIL_CAST_SATURATE for float. */
#define HIL_CAST_KERNEL(symbol, ctype, to_int)                                                    \
    static int symbol##_eval(hil_graph *g, hil_node *node)                                        \
    {                                                                                             \
        const hil_tensor *in_t = hil_node_input(g, node, 0);                                      \
        hil_tensor *out_t = hil_node_output(g, node, 0);                                          \
        const uint8_t *in = in_t->data;                                                           \
        uint8_t *out = out_t->data;                                                               \
        uint32_t n = hil_num_elements(in_t);                                                      \
        switch (out_t->type) {                                                                    \
        case HIL_INT8: HIL_CAST_LOOP(ctype, int8_t, in, out, n, to_int(x_, INT8_MIN, INT8_MAX)) break; \
        case HIL_INT16: HIL_CAST_LOOP(ctype, int16_t, in, out, n, to_int(x_, INT16_MIN, INT16_MAX)) break; \
        case HIL_INT32: HIL_CAST_LOOP(ctype, int32_t, in, out, n, to_int(x_, INT32_MIN, INT32_MAX)) break; \
        case HIL_UINT32: HIL_CAST_LOOP(ctype, uint32_t, in, out, n, to_int(x_, 0, UINT32_MAX)) break; \
        default: HIL_CAST_LOOP(ctype, float, in, out, n, x_) break;                               \
        }                                                                                         \
        return HIL_OK;                                                                            \
    }                                                                                             \
    const hil_kernel symbol = {53, "CAST", hil_cast_prepare, symbol##_eval};

#endif
