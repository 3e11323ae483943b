/* SignalPCAN (uint32): per-channel automatic gain control by the noise estimate (TFLM's signal
 * library: ApplyPcanAutoGainControlFixed). The gain is a piecewise quadratic of the noise
 * estimate read from the model's gain LUT (three coefficients per octave of the estimate); the
 * gained signal, with 12 fractional bits, goes through the shrink function x^2 / 4 below 2 and
 * x - 1 above, leaving 6 fractional bits. Inputs: signal, noise estimate, gain LUT (int16). */
#include "signal.h"

enum { SNR_BITS = 12, OUTPUT_BITS = 6, LUT_MIN = 4 * 32 - 3 /* entries the largest estimate reads */ };

typedef struct {
    int32_t snr_shift;
    uint32_t channels;
} pcan_params;

static int pcan_prepare(hil_graph *g, hil_node *node)
{
    static const char *const keys[] = {"snr_shift"};
    int32_t shift;
    int status = hil_signal_begin(g, node, 3, 1, keys, 1, &shift);
    hil_tensor *in = hil_node_input(g, node, 0), *noise = hil_node_input(g, node, 1);
    hil_tensor *lut = hil_node_input(g, node, 2), *out = hil_node_output(g, node, 0);
    if (status || (status = hil_signal_tensor(g, node, in, HIL_UINT32, 1, "input")) ||
        (status = hil_signal_tensor(g, node, noise, HIL_UINT32, 1, "noise estimate")) ||
        (status = hil_signal_tensor(g, node, lut, HIL_INT16, 1, "gain LUT")) ||
        (status = hil_signal_tensor(g, node, out, HIL_UINT32, 1, "output")))
        return status;
    if (noise->dims[0] < in->dims[0] || out->dims[0] != in->dims[0])
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "noise estimate and output must be as long as the input");
    if (lut->dims[0] < LUT_MIN)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "gain LUT must hold 125 entries (3 per octave of a uint32)");
    if (shift < 0 || shift > 63)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "snr_shift must be 0 to 63");
    pcan_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->snr_shift = shift;
    p->channels = (uint32_t)in->dims[0];
    node->params = p;
    return HIL_OK;
}

/* TFLM's WideDynamicFunction: the LUT's quadratic of the octave x lies in, at 10 bits of x's
 * position within it. Wrapping arithmetic where TFLM's int32 would overflow. */
static int16_t gain(uint32_t x, const int16_t *lut)
{
    if (x <= 2)
        return lut[x];
    int32_t octave = (int32_t)hil_msb32(x);
    lut += 4 * octave - 6;
    int32_t frac = (int16_t)((octave < 11 ? x << (11 - octave) : x >> (octave - 11)) & 0x3FF);
    int32_t result = ((int32_t)lut[2] * frac) >> 5;
    result = (int32_t)((uint32_t)result + ((uint32_t)lut[1] << 5));
    result = (int32_t)((uint32_t)result * (uint32_t)frac);
    result = (int32_t)((uint32_t)result + (1u << 14)) >> 15;
    return (int16_t)(result + lut[0]);
}

static uint32_t shrink(uint32_t x)
{
    if (x < (2u << SNR_BITS))
        return (x * x) >> (2 + 2 * SNR_BITS - OUTPUT_BITS);
    return (x >> (SNR_BITS - OUTPUT_BITS)) - (1u << OUTPUT_BITS);
}

static int pcan_eval(hil_graph *g, hil_node *node)
{
    const pcan_params *p = node->params;
    const uint32_t *in = (const uint32_t *)(const void *)hil_node_input(g, node, 0)->data;
    const uint32_t *noise = (const uint32_t *)(const void *)hil_node_input(g, node, 1)->data;
    const int16_t *lut = (const int16_t *)(const void *)hil_node_input(g, node, 2)->data;
    uint32_t *out = (uint32_t *)(void *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->channels; i++) {
        uint32_t gn = (uint32_t)(int32_t)gain(noise[i], lut); /* int16 to uint32, sign-extended as in TFLM */
        uint32_t snr = (uint32_t)(((uint64_t)in[i] * gn) >> p->snr_shift);
        out[i] = shrink(snr);
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_signal_pcan = {1008, "SignalPCAN", pcan_prepare, pcan_eval};
