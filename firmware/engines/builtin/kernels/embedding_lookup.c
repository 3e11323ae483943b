/* EMBEDDING_LOOKUP (TFLM: float32 and int8 values, the value input selects the kernel): rows of
 * the value table (rank >= 2) picked by an int32 vector of row numbers, as TFLM's reference. int8
 * values with a float32 output are dequantized on the way (TFLM's hybrid path: (q - 0) * scale in
 * float, so the value's zero point must be 0); otherwise rows are copied as they are. A row number
 * outside the table fails the invoke, as in TFLM. */
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"

typedef struct {
    int32_t rows, columns; /* value rows; elements per row */
    uint8_t hybrid;
    float scale;
} embedding_params;

static int output_shape_ok(const hil_tensor *lookup, const hil_tensor *value, const hil_tensor *out)
{
    if (out->ndim != value->ndim || out->dims[0] != lookup->dims[0])
        return 0;
    return memcmp(out->dims + 1, value->dims + 1, sizeof value->dims[0] * (size_t)(value->ndim - 1)) == 0;
}

static int embedding_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *lookup = hil_node_input(g, node, 0), *value = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 1 || !lookup || !value || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs row numbers, a value table and one output");
    if (lookup->type != HIL_INT32 || lookup->ndim != 1 || value->ndim < 2)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an int32 vector of rows and a table of rank 2 or more");
    const int hybrid = value->type == HIL_INT8 && out->type == HIL_FLOAT32;
    if (out->type != value->type && !hybrid)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "output must be the table's type, or float32 for an int8 table");
    if (hybrid && value->zero_point != 0)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "an int8 table read as float32 needs zero point 0 (as in TFLM)");
    if (!output_shape_ok(lookup, value, out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output shape must be [rows looked up] + the table's row shape");
    embedding_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->rows = value->dims[0];
    p->columns = p->rows ? (int32_t)(hil_num_elements(value) / (uint32_t)p->rows) : 0;
    p->hybrid = (uint8_t)hybrid;
    p->scale = value->scale;
    node->params = p;
    return HIL_OK;
}

static int embedding_eval(hil_graph *g, hil_node *node)
{
    const embedding_params *p = node->params;
    const hil_tensor *lookup = hil_node_input(g, node, 0), *value = hil_node_input(g, node, 1);
    uint8_t *out = hil_node_output(g, node, 0)->data;
    const size_t elem = (size_t)hil_dtype_size(value->type), row_bytes = (size_t)p->columns * elem;
    for (int32_t i = 0; i < lookup->dims[0]; i++) {
        const int64_t row = hil_int_at(lookup, (uint32_t)i);
        if (row < 0 || row >= p->rows)
            return HIL_ERR_INVOKE_FAILED;
        const int8_t *from = (const int8_t *)value->data + (size_t)row * row_bytes;
        if (!p->hybrid) {
            memcpy(out + (size_t)i * row_bytes, from, row_bytes);
            continue;
        }
        for (int32_t c = 0; c < p->columns; c++) {
            const float f = (float)from[c] * p->scale;
            memcpy(out + ((size_t)i * (size_t)p->columns + (size_t)c) * sizeof f, &f, sizeof f);
        }
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_embedding_lookup = {7, "EMBEDDING_LOOKUP", embedding_prepare, embedding_eval};
