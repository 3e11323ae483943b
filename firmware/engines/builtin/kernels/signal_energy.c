/* SignalEnergy (int16 spectrum in, uint32 out): re^2 + im^2 of the bins in [start_index,
 * end_index) (TFLM's signal library: SpectrumToEnergy). TFLM leaves the other outputs
 * unwritten; so does this kernel. The sum wraps in 32 bits as TFLM's int32 sum does (only
 * (-32768)^2 twice reaches 2^31). */
#include "signal.h"

typedef struct {
    int32_t start, end;
} energy_params;

static int energy_prepare(hil_graph *g, hil_node *node)
{
    static const char *const keys[] = {"end_index", "start_index"};
    int32_t opt[2];
    int status = hil_signal_begin(g, node, 1, 1, keys, 2, opt);
    if (status != HIL_OK)
        return status;
    hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    if ((status = hil_signal_tensor(g, node, in, HIL_INT16, 1, "input")) ||
        (status = hil_signal_tensor(g, node, out, HIL_UINT32, 1, "output")))
        return status;
    if (opt[1] < 0 || opt[0] < opt[1] || opt[0] > out->dims[0] || (int64_t)opt[0] * 2 > in->dims[0])
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "start_index and end_index must lie within the spectrum");
    energy_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->end = opt[0];
    p->start = opt[1];
    node->params = p;
    return HIL_OK;
}

static int energy_eval(hil_graph *g, hil_node *node)
{
    const energy_params *p = node->params;
    const int16_t *in = (const int16_t *)(const void *)hil_node_input(g, node, 0)->data;
    uint32_t *out = (uint32_t *)(void *)hil_node_output(g, node, 0)->data;
    for (int32_t i = p->start; i < p->end; i++) {
        int32_t re = in[2 * i], im = in[2 * i + 1];
        out[i] = (uint32_t)(re * re) + (uint32_t)(im * im);
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_signal_energy = {1004, "SignalEnergy", energy_prepare, energy_eval};
