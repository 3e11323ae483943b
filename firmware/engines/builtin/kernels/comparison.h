/* EQUAL, NOT_EQUAL, GREATER, GREATER_EQUAL, LESS and LESS_EQUAL: two broadcasting inputs of one
 * type, a bool output, as TFLM's comparisons. float32, int32, int64 and bool compare the stored
 * values; int8 compares both inputs rescaled to a common scale, TFLM's ComparisonWithScaling:
 * ((q - zero_point) << 8) times the input's scale as a Q31 multiplier below one, double rounded.
 * TFLM aborts on an int8 input scale of 1 or more (QuantizeMultiplierSmallerThanOneExp's
 * check); such a model is refused at load here. HIL_COMPARE_KERNEL defines one (operator, type)
 * kernel; int64 elements are read with memcpy (the arena aligns tensors to 4 bytes). */
#ifndef HIL_COMPARISON_H
#define HIL_COMPARISON_H
#include "binary.h"
#include "quant.h"

typedef struct {
    hil_broadcast bc; /* first: hil_binary_prepare fills it */
    int32_t offset[2], multiplier[2];
    int shift[2];
} hil_compare_params;

static inline int hil_compare_prepare(hil_graph *g, hil_node *node, int type)
{
    int status;
    hil_compare_params *p = hil_binary_prepare(g, node, type, HIL_BOOL, sizeof(hil_compare_params),
                                               "inputs must be of the kernel's type and the output bool", &status);
    if (!p || type != HIL_INT8) {
        node->params = p;
        return status;
    }
    for (unsigned i = 0; i < 2; i++) {
        const hil_tensor *in = hil_node_input(g, node, i);
        if (!(in->scale > 0.0f && in->scale < 1.0f))
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int8 input scales must be below 1 (TFLM aborts otherwise)");
        p->offset[i] = -in->zero_point;
        hil_quantize_multiplier((double)in->scale, &p->multiplier[i], &p->shift[i]);
    }
    node->params = p;
    return HIL_OK;
}

/* An int8 value on the common scale. */
static inline int32_t hil_compare_rescale(const hil_compare_params *p, unsigned input, int8_t q)
{
    return hil_multiply_by_quantized_multiplier((q + p->offset[input]) * 256, p->multiplier[input], p->shift[input]);
}

#define HIL_COMPARE_ROW(symbol, ctype, op) HIL_BINARY_ROW(symbol, ctype, unsigned char, x op y)

#define HIL_COMPARE_ROW_INT8(symbol, op)                                                          \
    static void symbol##_row(const void *params, const void *in1, int32_t step1, const void *in2, \
                             int32_t step2, void *out, int32_t n)                                 \
    {                                                                                             \
        const int8_t *a = in1, *b = in2;                                                          \
        unsigned char *o = out;                                                                   \
        for (int32_t i = 0; i < n; i++, a += step1, b += step2)                                   \
            o[i] = (unsigned char)(hil_compare_rescale(params, 0, *a) op hil_compare_rescale(params, 1, *b)); \
    }

/* row: HIL_COMPARE_ROW(symbol, ctype, op) or HIL_COMPARE_ROW_INT8(symbol, op), written before. */
#define HIL_COMPARE_KERNEL(symbol, code, name, type, ctype)                                       \
    static int symbol##_prepare(hil_graph *g, hil_node *node) { return hil_compare_prepare(g, node, type); } \
    static int symbol##_eval(hil_graph *g, hil_node *node)                                        \
    {                                                                                             \
        return hil_binary_eval(g, node, symbol##_row);                                                \
    }                                                                                             \
    const hil_kernel symbol = {code, name, symbol##_prepare, symbol##_eval};

#endif
