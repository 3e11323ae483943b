/* SignalWindow (int16): each frame of the input times the window, shifted right by `shift` and
 * saturated to int16 (TFLM's signal library: Window); the window's length is the frame length. */
#include "signal.h"

typedef struct {
    uint32_t size, frame;
    int32_t shift;
} window_params;

static int window_prepare(hil_graph *g, hil_node *node)
{
    static const char *const keys[] = {"shift"};
    int32_t shift;
    int status = hil_signal_begin(g, node, 2, 1, keys, 1, &shift);
    if (status != HIL_OK)
        return status;
    hil_tensor *in = hil_node_input(g, node, 0), *w = hil_node_input(g, node, 1), *out = hil_node_output(g, node, 0);
    if ((status = hil_signal_tensor(g, node, in, HIL_INT16, -1, "input")) ||
        (status = hil_signal_tensor(g, node, w, HIL_INT16, 1, "window")) ||
        (status = hil_signal_tensor(g, node, out, HIL_INT16, in->ndim, "output")))
        return status;
    if (in->ndim < 1 || hil_num_elements(out) != hil_num_elements(in) || hil_num_elements(in) % w->dims[0])
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output must hold whole frames of the window's length");
    if (shift < 0 || shift > 31)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "shift must be 0 to 31");
    window_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->size = hil_num_elements(in);
    p->frame = (uint32_t)w->dims[0];
    p->shift = shift;
    node->params = p;
    return HIL_OK;
}

static int window_eval(hil_graph *g, hil_node *node)
{
    const window_params *p = node->params;
    const int16_t *in = (const int16_t *)(const void *)hil_node_input(g, node, 0)->data;
    const int16_t *w = (const int16_t *)(const void *)hil_node_input(g, node, 1)->data;
    int16_t *out = (int16_t *)(void *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->size; i++)
        out[i] = hil_sat16(((int32_t)in[i] * w[i % p->frame]) >> p->shift);
    return HIL_OK;
}

const hil_kernel hil_kernel_signal_window = {1000, "SignalWindow", window_prepare, window_eval};
