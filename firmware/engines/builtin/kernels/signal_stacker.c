/* SignalStacker (int16): stacks left context + 1 + right context frames of num_channels values
 * into one output, advancing stacker_step frames per output (TFLM's signal library: Stacker).
 * The first frame after load or reset is repeated left-context times; until enough frames
 * arrived the output stays unwritten and the valid output (bool) is false. State: the FIFO of
 * frames and whether the first frame came. */
#include "signal.h"

typedef struct {
    uint32_t channels, left, buffer_size, step_size;
    uint8_t has_first_frame;
    hil_fifo fifo;
} stacker_params;

static int stacker_prepare(hil_graph *g, hil_node *node)
{
    static const char *const keys[] = {"num_channels", "stacker_left_context", "stacker_right_context",
                                       "stacker_step"};
    int32_t opt[4];
    int status = hil_signal_begin(g, node, 1, 2, keys, 4, opt);
    hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    if (status || (status = hil_signal_tensor(g, node, in, HIL_INT16, 1, "input")) ||
        (status = hil_signal_tensor(g, node, out, HIL_INT16, 1, "output")) ||
        (status = hil_signal_tensor(g, node, hil_node_output(g, node, 1), HIL_BOOL, 0, "valid output")))
        return status;
    int64_t frames = (int64_t)opt[1] + opt[2] + 1;
    if (opt[0] < 1 || opt[1] < 0 || opt[2] < 0 || opt[3] < 1 || opt[3] > frames || opt[0] > in->dims[0] ||
        frames * opt[0] > out->dims[0])
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID,
                          "num_channels must fit the input, the stacked frames the output, and 1 <= stacker_step "
                          "<= the stacked frames");
    stacker_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->channels = (uint32_t)opt[0];
    p->left = (uint32_t)opt[1];
    p->buffer_size = (uint32_t)(frames * opt[0]);
    p->step_size = (uint32_t)opt[0] * (uint32_t)opt[3];
    if (!hil_fifo_init(g, &p->fifo, p->buffer_size))
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    node->params = p;
    return HIL_OK;
}

static int stacker_eval(hil_graph *g, hil_node *node)
{
    stacker_params *p = node->params;
    hil_fifo_write(&p->fifo, (const int16_t *)(const void *)hil_node_input(g, node, 0)->data, p->channels);
    if (!p->has_first_frame) {
        hil_fifo_repeat_last(&p->fifo, p->channels, p->left);
        p->has_first_frame = 1;
    }
    uint8_t *valid = hil_node_output(g, node, 1)->data;
    *valid = p->fifo.count >= p->buffer_size;
    if (*valid) {
        hil_fifo_read(&p->fifo, (int16_t *)(void *)hil_node_output(g, node, 0)->data, p->buffer_size);
        hil_fifo_discard(&p->fifo, p->step_size);
    }
    return HIL_OK;
}

static void stacker_reset(hil_graph *g, hil_node *node)
{
    stacker_params *p = node->params;
    hil_fifo_reset(&p->fifo);
    p->has_first_frame = 0;
}

const hil_kernel hil_kernel_signal_stacker = {1011, "SignalStacker", stacker_prepare, stacker_eval, stacker_reset};
