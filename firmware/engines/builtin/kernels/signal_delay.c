/* SignalDelay (int16): delays every innermost row by delay_length samples across invokes, the
 * first ones coming out as zeros (TFLM's signal library: Delay). State: one FIFO per outer index,
 * delay_length zeros after load and after a reset. */
#include "signal.h"

typedef struct {
    uint32_t frame, delay, outer;
    hil_fifo *fifo;
} delay_params;

static void delay_reset_fifos(const delay_params *p)
{
    for (uint32_t i = 0; i < p->outer; i++) {
        hil_fifo_reset(&p->fifo[i]);
        hil_fifo_write(&p->fifo[i], 0, p->delay);
    }
}

static int delay_prepare(hil_graph *g, hil_node *node)
{
    static const char *const keys[] = {"delay_length"};
    int32_t delay;
    int status = hil_signal_begin(g, node, 1, 1, keys, 1, &delay);
    hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    if (status || (status = hil_signal_tensor(g, node, in, HIL_INT16, -1, "input")) ||
        (status = hil_signal_tensor(g, node, out, HIL_INT16, -1, "output")))
        return status;
    if (in->ndim < 1 || delay < 0 || hil_num_elements(out) != hil_num_elements(in))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output sizes differ, or delay_length is negative");
    delay_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->frame = (uint32_t)in->dims[in->ndim - 1];
    p->delay = (uint32_t)delay;
    p->outer = hil_num_elements(in) / p->frame;
    p->fifo = hil_persistent_alloc(g, sizeof(hil_fifo) * p->outer);
    for (uint32_t i = 0; p->fifo && i < p->outer; i++)
        if (!hil_fifo_init(g, &p->fifo[i], p->frame + p->delay))
            p->fifo = 0;
    if (!p->fifo)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    delay_reset_fifos(p);
    node->params = p;
    return HIL_OK;
}

static int delay_eval(hil_graph *g, hil_node *node)
{
    const delay_params *p = node->params;
    const int16_t *in = (const int16_t *)(const void *)hil_node_input(g, node, 0)->data;
    int16_t *out = (int16_t *)(void *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->outer; i++) {
        hil_fifo_write(&p->fifo[i], in + i * p->frame, p->frame);
        hil_fifo_read(&p->fifo[i], out + i * p->frame, p->frame);
        hil_fifo_discard(&p->fifo[i], p->frame);
    }
    return HIL_OK;
}

static void delay_reset(hil_graph *g, hil_node *node) { delay_reset_fifos(node->params); }

const hil_kernel hil_kernel_signal_delay = {1012, "SignalDelay", delay_prepare, delay_eval, delay_reset};
