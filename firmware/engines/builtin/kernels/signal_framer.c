/* SignalFramer (int16): cuts the innermost dimension into overlapping frames of frame_size
 * samples, frame_step apart, keeping the samples a later frame needs across invokes (TFLM's
 * signal library: Framer). With prefill, frame_size - frame_step zeros lead the stream, so
 * every frame is complete; without, frames before the first complete one leave their output
 * unwritten and the valid output (bool) false. State: one sample FIFO per outer index. */
#include "signal.h"

typedef struct {
    int32_t frame_size, frame_step, prefill;
    uint32_t outer, frames;
    hil_fifo *fifo;
} framer_params;

static void framer_reset_fifos(const framer_params *p)
{
    for (uint32_t i = 0; i < p->outer; i++) {
        hil_fifo_reset(&p->fifo[i]);
        if (p->prefill)
            hil_fifo_write(&p->fifo[i], 0, (uint32_t)(p->frame_size - p->frame_step));
    }
}

static int framer_prepare(hil_graph *g, hil_node *node)
{
    static const char *const keys[] = {"frame_size", "frame_step", "prefill"};
    int32_t opt[3];
    int status = hil_signal_begin(g, node, 1, 2, keys, 3, opt);
    hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    if (status || (status = hil_signal_tensor(g, node, in, HIL_INT16, -1, "input")) ||
        (status = hil_signal_tensor(g, node, out, HIL_INT16, in->ndim + 1, "output")) ||
        (status = hil_signal_tensor(g, node, hil_node_output(g, node, 1), HIL_BOOL, 0, "valid output")))
        return status;
    int32_t inner = in->ndim ? in->dims[in->ndim - 1] : 0;
    if (opt[1] < 1 || opt[0] < opt[1] || inner < opt[1] || inner % opt[1])
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID,
                          "frame_step must divide the innermost dimension and be at most frame_size");
    framer_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->frame_size = opt[0];
    p->frame_step = opt[1];
    p->prefill = opt[2] != 0; /* TFLM's ElementAsBool */
    p->outer = hil_num_elements(in) / (uint32_t)inner;
    p->frames = (uint32_t)(inner / opt[1]);
    if ((uint64_t)p->outer * p->frames * (uint32_t)p->frame_size > hil_num_elements(out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output too small for the frames");
    p->fifo = hil_persistent_alloc(g, sizeof(hil_fifo) * p->outer);
    /* TFLM's capacity: frame_size rounded up to a whole number of steps */
    uint32_t capacity = (uint32_t)((opt[0] + opt[1] - 1) / opt[1] * opt[1]);
    for (uint32_t i = 0; p->fifo && i < p->outer; i++)
        if (!hil_fifo_init(g, &p->fifo[i], capacity))
            p->fifo = 0;
    if (!p->fifo)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    framer_reset_fifos(p);
    node->params = p;
    return HIL_OK;
}

static int framer_eval(hil_graph *g, hil_node *node)
{
    const framer_params *p = node->params;
    const int16_t *in = (const int16_t *)(const void *)hil_node_input(g, node, 0)->data;
    int16_t *out = (int16_t *)(void *)hil_node_output(g, node, 0)->data;
    uint8_t valid = 1;
    for (uint32_t i = 0; i < p->outer; i++) {
        for (uint32_t f = 0; f < p->frames; f++) {
            uint32_t frame = i * p->frames + f;
            hil_fifo_write(&p->fifo[i], in + frame * (uint32_t)p->frame_step, (uint32_t)p->frame_step);
            if (p->fifo[i].count >= (uint32_t)p->frame_size) {
                hil_fifo_read(&p->fifo[i], out + frame * (uint32_t)p->frame_size, (uint32_t)p->frame_size);
                hil_fifo_discard(&p->fifo[i], (uint32_t)p->frame_step);
            } else {
                valid = 0;
            }
        }
    }
    *hil_node_output(g, node, 1)->data = valid;
    return HIL_OK;
}

static void framer_reset(hil_graph *g, hil_node *node) { framer_reset_fifos(node->params); }

const hil_kernel hil_kernel_signal_framer = {1010, "SignalFramer", framer_prepare, framer_eval, framer_reset};
