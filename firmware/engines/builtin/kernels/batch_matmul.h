/* BATCH_MATMUL, int8, int16 and float32, share their prepare and their walk over the output:
 * out[b][m][n] = sum over k of x[b][m][k] * y[b][k][n], x = input 0 (transposed in its last two
 * axes when adj_x), y = input 1 (transposed when adj_y), ranks 2-5, leading (batch) axes
 * broadcast where one side is 1. TFLM transposes operands into copies first; reading them
 * with strides gives the same values, so no copy (and no arena) is needed here. The sum over k
 * runs in ascending order, as TFLM's (which matters for float32). Quantized: TFLM's per-tensor
 * multiplier from the float product of the input scales, zero points of both inputs and the
 * output (int16: refused unless all 0), the type's full range. Header-only (static inline). */
#ifndef HIL_BATCH_MATMUL_H
#define HIL_BATCH_MATMUL_H
#include <stdint.h>

#include "graph.h"
#include "hil_protocol.h"
#include "quant.h"

enum { HIL_BMM_BATCH_DIMS = 3 }; /* TFLM extends both shapes to rank 5: 3 batch axes, rows, columns */

typedef struct {
    int32_t m, n, k;
    int32_t x_batch[HIL_BMM_BATCH_DIMS], y_batch[HIL_BMM_BATCH_DIMS]; /* element strides, 0 when broadcast */
    int32_t out_batch[HIL_BMM_BATCH_DIMS];                              /* output batch sizes */
    int32_t x_row, x_col, y_row, y_col;                                 /* strides of x[m][k], y[k][n] */
    int32_t x_offset, y_offset, out_offset;                             /* quantized: -zp, -zp, +zp */
    int32_t multiplier, shift, act_min, act_max;
} hil_bmm_params;

/* The shape of t extended to rank 5 with leading 1s. */
static inline void hil_bmm_extend(const hil_tensor *t, int32_t dims[5])
{
    for (int i = 0; i < 5; i++)
        dims[i] = i < 5 - t->ndim ? 1 : t->dims[i - (5 - t->ndim)];
}

static inline int hil_bmm_check(hil_graph *g, hil_node *node, int type, const hil_tensor *x, const hil_tensor *y,
                                const hil_tensor *out)
{
    if (!x || !y || !out || hil_node_num_inputs(node) != 2 || hil_node_num_outputs(node) != 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs two inputs and one output");
    if (x->type != type || y->type != type || out->type != type)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "inputs and output must have the same type");
    if (x->ndim < 2 || x->ndim > 5 || y->ndim < 2 || y->ndim > 5)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "inputs must have rank 2 to 5");
    if (type == HIL_INT16 && (x->zero_point || y->zero_point || out->zero_point))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int16 zero points must be 0");
    return HIL_OK;
}

/* BatchMatMulOptions: adj_x, adj_y. */
static inline int hil_bmm_prepare_type(hil_graph *g, hil_node *node, int type)
{
    enum { ADJ_X = 0, ADJ_Y = 1 };
    const hil_tensor *x = hil_node_input(g, node, 0), *y = hil_node_input(g, node, 1);
    const hil_tensor *out = hil_node_output(g, node, 0);
    int status = hil_bmm_check(g, node, type, x, y, out);
    if (status != HIL_OK)
        return status;
    hil_bmm_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    const int adj_x = hil_fb_u8(&g->fb, &node->options, ADJ_X, 0), adj_y = hil_fb_u8(&g->fb, &node->options, ADJ_Y, 0);
    int32_t xd[5], yd[5];
    hil_bmm_extend(x, xd);
    hil_bmm_extend(y, yd);
    p->m = adj_x ? xd[4] : xd[3];
    p->k = adj_x ? xd[3] : xd[4];
    p->n = adj_y ? yd[3] : yd[4];
    if ((adj_y ? yd[4] : yd[3]) != p->k)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "inner dimensions of the inputs differ");
    p->x_row = adj_x ? 1 : p->k, p->x_col = adj_x ? p->m : 1;
    p->y_row = adj_y ? 1 : p->n, p->y_col = adj_y ? p->k : 1;
    uint64_t elements = (uint64_t)p->m * (uint64_t)p->n;
    int32_t x_stride = p->m * p->k, y_stride = p->k * p->n;
    for (int i = HIL_BMM_BATCH_DIMS - 1; i >= 0; i--) {
        if (xd[i] != yd[i] && xd[i] != 1 && yd[i] != 1)
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "batch dimensions do not broadcast");
        p->out_batch[i] = xd[i] != 1 ? xd[i] : yd[i];
        p->x_batch[i] = xd[i] == 1 ? 0 : x_stride;
        p->y_batch[i] = yd[i] == 1 ? 0 : y_stride;
        x_stride *= xd[i], y_stride *= yd[i];
        elements *= (uint64_t)p->out_batch[i];
    }
    if (elements != hil_num_elements(out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output shape does not agree with the inputs");
    node->params = p;
    if (type == HIL_FLOAT32)
        return HIL_OK;
    int shift;
    hil_quantize_multiplier((double)(x->scale * y->scale) / (double)out->scale, &p->multiplier, &shift);
    if (type == HIL_INT16 && shift > 14)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "requantization multiplier too large (above 2^14)");
    p->shift = shift;
    p->x_offset = -x->zero_point, p->y_offset = -y->zero_point, p->out_offset = out->zero_point;
    p->act_min = type == HIL_INT8 ? INT8_MIN : INT16_MIN;
    p->act_max = type == HIL_INT8 ? INT8_MAX : INT16_MAX;
    return HIL_OK;
}

/* The integer kernels' loop, `bytes` 1 (int8, int32 sums) or 2 (int16, int64 sums). */
static inline int hil_bmm_eval_int(hil_graph *g, hil_node *node, int bytes)
{
    const hil_bmm_params *p = node->params;
    const uint8_t *xs = hil_node_input(g, node, 0)->data, *ys = hil_node_input(g, node, 1)->data;
    uint8_t *out = hil_node_output(g, node, 0)->data;
    int32_t o = 0;
    for (int32_t b0 = 0; b0 < p->out_batch[0]; b0++)
        for (int32_t b1 = 0; b1 < p->out_batch[1]; b1++)
            for (int32_t b2 = 0; b2 < p->out_batch[2]; b2++) {
                const int32_t xb = b0 * p->x_batch[0] + b1 * p->x_batch[1] + b2 * p->x_batch[2];
                const int32_t yb = b0 * p->y_batch[0] + b1 * p->y_batch[1] + b2 * p->y_batch[2];
                for (int32_t m = 0; m < p->m; m++)
                    for (int32_t n = 0; n < p->n; n++, o++) {
                        int64_t sum = 0; /* int8: the low 32 bits are TFLM's int32 sum */
                        for (int32_t k = 0; k < p->k; k++) {
                            int32_t xi = xb + m * p->x_row + k * p->x_col, yi = yb + k * p->y_row + n * p->y_col;
                            int32_t xv = bytes == 1 ? ((const int8_t *)xs)[xi] : ((const int16_t *)(const void *)xs)[xi];
                            int32_t yv = bytes == 1 ? ((const int8_t *)ys)[yi] : ((const int16_t *)(const void *)ys)[yi];
                            sum += (int64_t)(yv + p->y_offset) * (xv + p->x_offset);
                        }
                        int32_t v = bytes == 1 ? hil_multiply_by_quantized_multiplier((int32_t)(uint32_t)(uint64_t)sum,
                                                                                      p->multiplier, p->shift)
                                               : hil_multiply_by_quantized_multiplier_64(sum, p->multiplier, p->shift);
                        v = hil_clamp((int32_t)((uint32_t)v + (uint32_t)p->out_offset), p->act_min, p->act_max);
                        if (bytes == 1)
                            ((int8_t *)out)[o] = (int8_t)v;
                        else
                            ((int16_t *)(void *)out)[o] = (int16_t)v;
                    }
            }
    return HIL_OK;
}

#endif
