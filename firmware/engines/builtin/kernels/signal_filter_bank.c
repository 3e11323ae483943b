/* SignalFilterBank (uint32 energies in, uint64 channels out): triangular mel filters as weighted
 * sums (TFLM's signal library: FilterbankAccumulateChannels). Each bin's energy goes to two
 * adjacent channels, times its weight to one and its unweight to the next, so num_channels + 1
 * sums are formed and the first is dropped. Inputs: spectrum, weights, unweights, channel
 * frequency starts, channel weight starts, channel widths (int16, num_channels + 1 each). */
#include <string.h>

#include "signal.h"

typedef struct {
    uint32_t channels;
    uint64_t *acc; /* num_channels + 1 sums */
} filter_bank_params;

/* Every index the sums read lies inside its tensor (TFLM does not check; a model that reads
 * outside is refused here). */
static int check_ranges(hil_graph *g, hil_node *node, uint32_t channels)
{
    hil_tensor *in = hil_node_input(g, node, 0), *w = hil_node_input(g, node, 1), *uw = hil_node_input(g, node, 2);
    const int16_t *freq = (const int16_t *)(const void *)hil_node_input(g, node, 3)->data;
    const int16_t *wstart = (const int16_t *)(const void *)hil_node_input(g, node, 4)->data;
    const int16_t *width = (const int16_t *)(const void *)hil_node_input(g, node, 5)->data;
    for (int i = 3; i <= 5; i++) {
        hil_tensor *t = hil_node_input(g, node, (unsigned)i);
        if (!t->is_const || (uint32_t)t->dims[0] < channels + 1u)
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "channel tables must be constant with num_channels + 1 entries");
    }
    for (uint32_t c = 0; c <= channels; c++) {
        if (freq[c] < 0 || wstart[c] < 0 || width[c] < 0 || freq[c] + width[c] > in->dims[0] ||
            wstart[c] + width[c] > w->dims[0] || wstart[c] + width[c] > uw->dims[0])
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "a channel reaches outside the spectrum or the weights");
    }
    return HIL_OK;
}

static int filter_bank_prepare(hil_graph *g, hil_node *node)
{
    static const char *const keys[] = {"num_channels"};
    static const char *const names[] = {"input", "weights", "unweights", "channel frequency starts",
                                        "channel weight starts", "channel widths"};
    int32_t channels;
    int status = hil_signal_begin(g, node, 6, 1, keys, 1, &channels);
    for (unsigned i = 0; status == HIL_OK && i < 6; i++)
        status = hil_signal_tensor(g, node, hil_node_input(g, node, i), i ? HIL_INT16 : HIL_UINT32, 1, names[i]);
    if (status == HIL_OK)
        status = hil_signal_tensor(g, node, hil_node_output(g, node, 0), HIL_UINT64, 1, "output");
    if (status != HIL_OK)
        return status;
    if (channels < 1 || channels != hil_node_output(g, node, 0)->dims[0])
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "num_channels must be the output's length");
    if ((status = check_ranges(g, node, (uint32_t)channels)) != HIL_OK)
        return status;
    filter_bank_params *p = hil_persistent_alloc(g, sizeof *p);
    uint64_t *acc = hil_persistent_alloc(g, sizeof(uint64_t) * ((size_t)channels + 1u));
    if (!p || !acc)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->channels = (uint32_t)channels;
    p->acc = acc;
    node->params = p;
    return HIL_OK;
}

static int filter_bank_eval(hil_graph *g, hil_node *node)
{
    const filter_bank_params *p = node->params;
    const uint32_t *in = (const uint32_t *)(const void *)hil_node_input(g, node, 0)->data;
    const int16_t *w = (const int16_t *)(const void *)hil_node_input(g, node, 1)->data;
    const int16_t *uw = (const int16_t *)(const void *)hil_node_input(g, node, 2)->data;
    const int16_t *freq = (const int16_t *)(const void *)hil_node_input(g, node, 3)->data;
    const int16_t *wstart = (const int16_t *)(const void *)hil_node_input(g, node, 4)->data;
    const int16_t *width = (const int16_t *)(const void *)hil_node_input(g, node, 5)->data;
    uint64_t weighted = 0, unweighted = 0;
    for (uint32_t c = 0; c <= p->channels; c++) {
        for (int j = 0; j < width[c]; j++) {
            /* int16 weight times uint64 energy: the weight converts to uint64, as in TFLM */
            weighted += (uint64_t)(int64_t)w[wstart[c] + j] * in[freq[c] + j];
            unweighted += (uint64_t)(int64_t)uw[wstart[c] + j] * in[freq[c] + j];
        }
        p->acc[c] = weighted;
        weighted = unweighted;
        unweighted = 0;
    }
    memcpy(hil_node_output(g, node, 0)->data, p->acc + 1, sizeof(uint64_t) * p->channels);
    return HIL_OK;
}

const hil_kernel hil_kernel_signal_filter_bank = {1005, "SignalFilterBank", filter_bank_prepare, filter_bank_eval};
