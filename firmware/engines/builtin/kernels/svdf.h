/* SVDF (singular value decomposition filter: a feature projection, a per-filter history of
 * `memory` steps kept in a variable tensor, a time projection, a rank reduction), int8 and
 * float32 share their tensor checks and sizes. TFLM's layout:
 *   0 input [batch, input_size], 1 weights_feature [filters, input_size],
 *   2 weights_time [filters, memory], 3 bias [units] (optional), 4 state [batch, memory * filters]
 *   (variable), output [batch, units] with units = filters / rank.
 * Header-only (static inline): a kernel compiles only its own type's branches. */
#ifndef HIL_SVDF_H
#define HIL_SVDF_H
#include <stdint.h>

#include "graph.h"
#include "hil_protocol.h"

enum { HIL_SVDF_OPT_RANK = 0, HIL_SVDF_OPT_ACTIVATION = 1 }; /* SVDFOptions */

typedef struct {
    uint32_t batch, input_size, filters, memory, units, rank;
} hil_svdf_size;

/* Checks the tensors against each other (TFLM's PrepareSvdf) and fills the sizes. */
static inline int hil_svdf_check(hil_graph *g, hil_node *node, hil_svdf_size *s)
{
    hil_tensor *in = hil_node_input(g, node, 0), *wf = hil_node_input(g, node, 1);
    hil_tensor *wt = hil_node_input(g, node, 2), *bias = hil_node_input(g, node, 3);
    hil_tensor *state = hil_node_input(g, node, 4), *out = hil_node_output(g, node, 0);
    if (hil_node_num_inputs(node) != 5 || hil_node_num_outputs(node) != 1 || !in || !wf || !wt || !state || !out)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs input, feature and time weights, bias, state and one output");
    int32_t rank = hil_fb_i32(&g->fb, &node->options, HIL_SVDF_OPT_RANK, 0);
    if (in->ndim != 2 || wf->ndim != 2 || wt->ndim != 2 || out->ndim != 2 || state->ndim != 2 || rank <= 0)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input, weights, state and output must be 2-D, rank positive");
    s->batch = (uint32_t)in->dims[0];
    s->input_size = (uint32_t)in->dims[1];
    s->filters = (uint32_t)wf->dims[0];
    s->memory = (uint32_t)wt->dims[1];
    s->rank = (uint32_t)rank;
    s->units = s->filters / s->rank;
    if (s->filters % s->rank || (uint32_t)wf->dims[1] != s->input_size || (uint32_t)wt->dims[0] != s->filters ||
        (uint32_t)out->dims[0] != s->batch || (uint32_t)out->dims[1] != s->units || (bias && hil_num_elements(bias) != s->units) ||
        (uint32_t)state->dims[0] != s->batch || (uint64_t)state->dims[1] != (uint64_t)s->memory * s->filters)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "tensor shapes do not agree");
    if (!state->is_variable)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "the state (input 4) must be a variable tensor");
    if (!wf->is_const || !wt->is_const || (bias && !bias->is_const))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "weights and bias must be constant");
    return HIL_OK;
}

#endif
