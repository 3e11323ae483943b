/* Read access to every model tensor after an inference, for finding the first operator whose
 * output differs from the host reference (hil/verdicts/divergence.py).
 *
 * The planner lets tensors whose lifetimes do not overlap share arena memory, so after an
 * invoke most intermediate tensors have been overwritten. A tensor is reported VALID only when
 * no tensor that comes alive after its last use overlaps its bytes. A firmware built with
 * HIL_DEBUG_TENSORS gives every tensor its own memory (planner.c), which makes every tensor
 * valid at the cost of arena. */
#include "debug_tensors.h"

#include <string.h>

#include "hil_protocol.h"

/* Whether `later`, planned memory that comes alive at or after t's last use, overlaps t's bytes.
 * >=: an output the planner let overlap its input (hil_allow_alias) is born at the input's last
 * use; nothing else alive then can overlap it. */
static int overwrites(const hil_tensor *t, const hil_tensor *later)
{
    return later && later != t && later->is_planned && later->first_use >= t->last_use && t->data < later->data + later->bytes &&
           later->data < t->data + t->bytes;
}

/* Whether a tensor's bytes still hold the value the last invoke gave it: no tensor or scratch
 * buffer used later overlaps them. */
static int still_valid(const hil_graph *g, const hil_tensor *t)
{
    if (t->is_const || (t->is_variable && t->data)) /* a variable has memory of its own */
        return 1;
    if (!t->is_planned || !t->data)
        return 0;
    for (uint32_t i = 0; i < g->n_model_tensors; i++)
        if (overwrites(t, &g->tensors[i]))
            return 0;
    for (uint32_t n = 0; n < g->n_nodes; n++)
        if (overwrites(t, g->nodes[n].scratch))
            return 0;
    return 1;
}

unsigned hil_debug_num_tensors(const hil_graph *g, uint16_t *list_flags)
{
    if (list_flags) {
#ifdef HIL_DEBUG_TENSORS
        *list_flags = HIL_TENSORS_OWN_MEMORY;
#else
        *list_flags = 0;
#endif
    }
    return g->subgraphs[0].n_tensors; /* subgraph 0's, numbered as in the model */
}

int hil_debug_tensor_info(const hil_graph *g, unsigned index, hil_tensor_info *out)
{
    if (index >= g->subgraphs[0].n_tensors)
        return HIL_ERR_BAD_INDEX;
    const hil_tensor *t = &g->tensors[index];
    memset(out, 0, sizeof *out);
    out->spec.dtype = t->type;
    out->spec.ndim = t->ndim;
    memcpy(out->spec.dims, t->dims, sizeof out->spec.dims);
    out->spec.scale = t->scale;
    out->spec.zero_point = t->zero_point;
    out->spec.bytes = t->bytes;
    out->spec.data = t->data;
    hil_fb_vec name = hil_tensor_name(g, index);
    out->name = (const char *)hil_fb_vec_bytes((hil_fb *)&g->fb, name);
    out->name_len = out->name ? name.len : 0;
    out->flags = (uint8_t)((t->is_const ? HIL_TENSOR_CONST : 0) | (t->is_planned || t->is_variable ? HIL_TENSOR_ARENA : 0) |
                           (still_valid(g, t) ? HIL_TENSOR_VALID : 0));
    return HIL_OK;
}
