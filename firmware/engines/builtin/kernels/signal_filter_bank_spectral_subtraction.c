/* SignalFilterBankSpectralSubtraction (uint32): a per-channel noise estimate (a low-pass filter
 * of the signal, kept across invokes), subtracted from the signal, never below
 * min_signal_remaining of it (TFLM's signal library: FilterbankSpectralSubtraction). Outputs
 * the signal and a copy of the noise estimate. Even channels use `smoothing`, odd ones
 * `alternate_smoothing`. State: the estimate, zero after load and after a reset. */
#include <string.h>

#include "signal.h"

enum { ALT_ONE_MINUS, ALT_SMOOTHING, CLAMPING, MIN_REMAINING, CHANNELS, ONE_MINUS, SMOOTHING, SMOOTHING_BITS,
       SUBTRACTION_BITS, N_OPTIONS };

typedef struct {
    int32_t opt[N_OPTIONS];
    uint32_t *noise;
} subtraction_params;

static int subtraction_prepare(hil_graph *g, hil_node *node)
{
    static const char *const keys[] = {"alternate_one_minus_smoothing", "alternate_smoothing", "clamping",
                                       "min_signal_remaining", "num_channels", "one_minus_smoothing", "smoothing",
                                       "smoothing_bits", "spectral_subtraction_bits"};
    subtraction_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    int status = hil_signal_begin(g, node, 1, 2, keys, N_OPTIONS, p->opt);
    hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0), *noise = hil_node_output(g, node, 1);
    if (status || (status = hil_signal_tensor(g, node, in, HIL_UINT32, 1, "input")) ||
        (status = hil_signal_tensor(g, node, out, HIL_UINT32, 1, "output")) ||
        (status = hil_signal_tensor(g, node, noise, HIL_UINT32, 1, "noise estimate")))
        return status;
    int32_t channels = p->opt[CHANNELS];
    if (channels < 1 || channels > in->dims[0] || channels > out->dims[0] || channels != noise->dims[0])
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "num_channels must fit the input and output and be the noise estimate's length");
    if ((uint32_t)p->opt[SMOOTHING_BITS] > 31u || (uint32_t)p->opt[SUBTRACTION_BITS] > 63u)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "smoothing_bits must be 0 to 31, spectral_subtraction_bits 0 to 63");
    p->noise = hil_persistent_alloc(g, sizeof(uint32_t) * (size_t)channels);
    if (!p->noise)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    node->params = p;
    return HIL_OK;
}

static int subtraction_eval(hil_graph *g, hil_node *node)
{
    const subtraction_params *p = node->params;
    const int32_t *o = p->opt;
    const uint32_t *in = (const uint32_t *)(const void *)hil_node_input(g, node, 0)->data;
    uint32_t *out = (uint32_t *)(void *)hil_node_output(g, node, 0)->data;
    uint32_t bits = (uint32_t)o[SMOOTHING_BITS], sub_bits = (uint32_t)o[SUBTRACTION_BITS];
    for (int32_t i = 0; i < o[CHANNELS]; i++) {
        uint32_t smoothing = (uint32_t)(i & 1 ? o[ALT_SMOOTHING] : o[SMOOTHING]);
        uint32_t one_minus = (uint32_t)(i & 1 ? o[ALT_ONE_MINUS] : o[ONE_MINUS]);
        uint32_t scaled = in[i] << bits;
        p->noise[i] = (uint32_t)(((uint64_t)scaled * smoothing + (uint64_t)p->noise[i] * one_minus) >> sub_bits);
        uint32_t estimate = p->noise[i];
        if (estimate > scaled) { /* the signal minus the estimate stays non-negative */
            estimate = scaled;
            if (o[CLAMPING])
                p->noise[i] = estimate;
        }
        uint32_t floor = (uint32_t)(((uint64_t)in[i] * (uint32_t)o[MIN_REMAINING]) >> sub_bits);
        uint32_t subtracted = (scaled - estimate) >> bits;
        out[i] = subtracted > floor ? subtracted : floor;
    }
    memcpy(hil_node_output(g, node, 1)->data, p->noise, sizeof(uint32_t) * (size_t)o[CHANNELS]);
    return HIL_OK;
}

static void subtraction_reset(hil_graph *g, hil_node *node)
{
    const subtraction_params *p = node->params;
    memset(p->noise, 0, sizeof(uint32_t) * (size_t)p->opt[CHANNELS]);
}

const hil_kernel hil_kernel_signal_filter_bank_spectral_subtraction = {
    1007, "SignalFilterBankSpectralSubtraction", subtraction_prepare, subtraction_eval, subtraction_reset};
