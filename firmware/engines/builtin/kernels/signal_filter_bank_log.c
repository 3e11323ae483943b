/* SignalFilterBankLog (uint32 in, int16 out): a fixed-point natural log of each channel, scaled
 * by output_scale, after shifting the input left by input_correction_bits; 0 for values up to 1,
 * at most 32767 (TFLM's signal library: FilterbankLog over Log32). log2 is the integer part from
 * the top bit plus a fraction linearly interpolated in a 128-segment correction table. */
#include "signal.h"

enum { SEGMENTS_LOG2 = 7, SCALE_LOG2 = 16, LOG_COEFF = 45426 /* 2^16 ln 2 */ };

/* round(2^16 * (log2(1 + i / 128) - i / 128)), i = 0..128: what log2 of 1 + f adds to f
 * (tests/test_signal_ops.py regenerates it from this formula). */
static const uint16_t log_correction[129] = {
    0, 224, 442, 654, 861, 1063, 1259, 1450, 1636, 1817, 1992, 2163,
    2329, 2490, 2646, 2797, 2944, 3087, 3224, 3358, 3487, 3611, 3732, 3848,
    3960, 4068, 4172, 4272, 4368, 4460, 4549, 4633, 4714, 4791, 4864, 4934,
    5001, 5063, 5123, 5178, 5231, 5280, 5326, 5368, 5408, 5444, 5477, 5507,
    5533, 5557, 5578, 5595, 5610, 5622, 5631, 5637, 5640, 5641, 5638, 5633,
    5626, 5615, 5602, 5586, 5568, 5547, 5524, 5498, 5470, 5439, 5406, 5370,
    5332, 5291, 5249, 5203, 5156, 5106, 5054, 5000, 4944, 4885, 4825, 4762,
    4697, 4630, 4561, 4490, 4416, 4341, 4264, 4184, 4103, 4020, 3935, 3848,
    3759, 3668, 3575, 3481, 3384, 3286, 3186, 3084, 2981, 2875, 2768, 2659,
    2549, 2437, 2323, 2207, 2090, 1971, 1851, 1729, 1605, 1480, 1353, 1224,
    1094, 963, 830, 695, 559, 421, 282, 142, 0,
};

typedef struct {
    uint32_t correction_bits, output_scale, channels;
} log_params;

static int log_prepare(hil_graph *g, hil_node *node)
{
    static const char *const keys[] = {"input_correction_bits", "output_scale"};
    int32_t opt[2];
    int status = hil_signal_begin(g, node, 1, 1, keys, 2, opt);
    hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    if (status || (status = hil_signal_tensor(g, node, in, HIL_UINT32, 1, "input")) ||
        (status = hil_signal_tensor(g, node, out, HIL_INT16, 1, "output")))
        return status;
    if (out->dims[0] != in->dims[0])
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output lengths differ");
    if ((uint32_t)opt[0] > 31u)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "input_correction_bits must be 0 to 31");
    log_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->correction_bits = (uint32_t)opt[0];
    p->output_scale = (uint32_t)opt[1];
    p->channels = (uint32_t)in->dims[0];
    node->params = p;
    return HIL_OK;
}

/* TFLM's Log2FractionPart32: x's bits below its top bit as 16 fractional bits, plus the
 * interpolated correction. */
static uint32_t log2_fraction(uint32_t x, uint32_t log2x)
{
    int32_t frac = (int32_t)(x - (1u << log2x));
    if (log2x < SCALE_LOG2)
        frac <<= SCALE_LOG2 - log2x;
    else
        frac >>= log2x - SCALE_LOG2;
    uint32_t seg = (uint32_t)frac >> (SCALE_LOG2 - SEGMENTS_LOG2);
    int32_t c0 = log_correction[seg], c1 = log_correction[seg + 1];
    int32_t seg_base = (int32_t)(seg << (SCALE_LOG2 - SEGMENTS_LOG2));
    int32_t rel = ((c1 - c0) * (frac - seg_base)) >> SCALE_LOG2;
    return (uint32_t)(frac + c0 + rel);
}

/* TFLM's Log32 (x > 1): ln(x) * out_scale with 16 fractional bits dropped, rounded. */
static uint32_t log32(uint32_t x, uint32_t out_scale)
{
    uint32_t integer = hil_msb32(x) - 1u;
    uint32_t log2 = (integer << SCALE_LOG2) + log2_fraction(x, integer);
    uint32_t half = 1u << (SCALE_LOG2 - 1);
    uint32_t loge = (uint32_t)(((uint64_t)LOG_COEFF * log2 + half) >> SCALE_LOG2);
    return (out_scale * loge + half) >> SCALE_LOG2; /* wraps in 32 bits, as TFLM's */
}

static int log_eval(hil_graph *g, hil_node *node)
{
    const log_params *p = node->params;
    const uint32_t *in = (const uint32_t *)(const void *)hil_node_input(g, node, 0)->data;
    int16_t *out = (int16_t *)(void *)hil_node_output(g, node, 0)->data;
    for (uint32_t i = 0; i < p->channels; i++) {
        uint32_t scaled = in[i] << p->correction_bits;
        uint32_t v = scaled > 1u ? log32(scaled, p->output_scale) : 0u;
        out[i] = (int16_t)(v < (uint32_t)INT16_MAX ? v : (uint32_t)INT16_MAX);
    }
    return HIL_OK;
}

const hil_kernel hil_kernel_signal_filter_bank_log = {1009, "SignalFilterBankLog", log_prepare, log_eval};
