/* SELECT_V2 of any element size (TFLM: float32, int8, int16; the type of input 1 selects the
 * kernel): out = condition ? x : y, elementwise, the bool condition, x and y broadcasting to the
 * output's shape as in TFLM (every shape right-aligned to the output's rank, each dimension equal
 * to the output's or 1). Values are copied as they are, as TFLM does. */
#include <string.h>

#include "graph.h"
#include "hil_protocol.h"

typedef struct {
    int32_t ndim, elem;
    int32_t dims[HIL_MAX_DIMS];
    int32_t step[3][HIL_MAX_DIMS]; /* condition, x, y: elements per output step; 0 where broadcast */
} select_params;

/* Element steps of `t` along each output axis (0 where t has size 1 there); 0 if t does not
 * broadcast to the output. */
static int broadcast_steps(const hil_tensor *t, const hil_tensor *out, int32_t step[HIL_MAX_DIMS])
{
    if (t->ndim > out->ndim)
        return 0;
    int32_t s = 1;
    for (int d = out->ndim - 1; d >= 0; d--) {
        int td = d - (out->ndim - t->ndim);
        int32_t size = td >= 0 ? t->dims[td] : 1;
        if (size != out->dims[d] && size != 1)
            return 0;
        step[d] = size == 1 ? 0 : s;
        s *= size;
    }
    return 1;
}

static int select_prepare(hil_graph *g, hil_node *node)
{
    hil_tensor *cond = hil_node_input(g, node, 0), *x = hil_node_input(g, node, 1), *y = hil_node_input(g, node, 2);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 3 || hil_node_num_outputs(node) != 1 || !cond || !x || !y || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs a condition, two value inputs and one output");
    if (cond->type != HIL_BOOL || x->type != y->type || x->type != out->type)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "the condition must be bool, the values and output of one type");
    int32_t rank = cond->ndim > x->ndim ? cond->ndim : x->ndim;
    rank = y->ndim > rank ? y->ndim : rank;
    select_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    int scalars = hil_num_elements(cond) == 1 && hil_num_elements(x) == 1 && hil_num_elements(y) == 1 &&
                  hil_num_elements(out) == 1; /* TFLM's mixed scalar case: any ranks */
    if (!scalars && (out->ndim != rank || !broadcast_steps(cond, out, p->step[0]) ||
                     !broadcast_steps(x, out, p->step[1]) || !broadcast_steps(y, out, p->step[2])))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input shapes do not broadcast to the output shape");
    p->ndim = scalars ? 0 : out->ndim;
    p->elem = hil_dtype_size(out->type);
    memcpy(p->dims, out->dims, sizeof p->dims);
    node->params = p;
    return HIL_OK;
}

static int select_eval(hil_graph *g, hil_node *node)
{
    const select_params *p = node->params;
    const uint8_t *cond = hil_node_input(g, node, 0)->data;
    const uint8_t *x = hil_node_input(g, node, 1)->data, *y = hil_node_input(g, node, 2)->data;
    uint8_t *out = hil_node_output(g, node, 0)->data;
    const size_t elem = (size_t)p->elem;
    int32_t index[HIL_MAX_DIMS] = {0}, at[3] = {0, 0, 0};
    for (;;) {
        memcpy(out, cond[at[0]] ? x + (size_t)at[1] * elem : y + (size_t)at[2] * elem, elem);
        out += elem;
        int d = p->ndim - 1; /* odometer over the output index */
        for (; d >= 0; d--) {
            for (int k = 0; k < 3; k++)
                at[k] += p->step[k][d];
            if (++index[d] < p->dims[d])
                break;
            for (int k = 0; k < 3; k++)
                at[k] -= p->step[k][d] * p->dims[d];
            index[d] = 0;
        }
        if (d < 0)
            return HIL_OK;
    }
}

const hil_kernel hil_kernel_select_v2 = {123, "SELECT_V2", select_prepare, select_eval};
