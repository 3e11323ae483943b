/* SignalFilterBankSquareRoot (uint64 channels in, int32 scale bits, uint32 out): the rounded
 * integer square root of each channel, shifted right by the FFT's auto-scale bits (TFLM's signal
 * library: FilterbankSqrt over Sqrt64 and Sqrt32). */
#include "signal.h"

/* TFLM's Sqrt32: the bit-by-bit root, then rounded up when the remainder exceeds the root. */
static uint32_t sqrt32(uint32_t num)
{
    if (num == 0)
        return 0;
    uint32_t res = 0;
    int max_bit = (int)(32u - hil_msb32(num)) | 1;
    uint32_t bit = 1u << (31 - max_bit);
    for (int iterations = (31 - max_bit) / 2 + 1; iterations > 0; iterations--) {
        if (num >= res + bit) {
            num -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    if (num > res && res != 0xFFFF)
        ++res;
    return (uint16_t)res;
}

/* TFLM's Sqrt64: values below 2^32 take the 32-bit path (TFLM's shortcut, kept for its rounding). */
static uint32_t sqrt64(uint64_t num)
{
    if ((num >> 32) == 0)
        return sqrt32((uint32_t)num);
    uint64_t res = 0;
    int max_bit = (int)(64u - hil_msb64(num)) | 1;
    uint64_t bit = (uint64_t)1 << (63 - max_bit);
    for (int iterations = (63 - max_bit) / 2 + 1; iterations > 0; iterations--) {
        if (num >= res + bit) {
            num -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    if (num > res && res != 0xFFFFFFFFu)
        ++res;
    return (uint32_t)res;
}

static int square_root_prepare(hil_graph *g, hil_node *node)
{
    int status = hil_signal_arity(g, node, 2, 1);
    hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    if (status || (status = hil_signal_tensor(g, node, in, HIL_UINT64, 1, "input")) ||
        (status = hil_signal_tensor(g, node, hil_node_input(g, node, 1), HIL_INT32, 0, "scale bits")) ||
        (status = hil_signal_tensor(g, node, out, HIL_UINT32, 1, "output")))
        return status;
    if (out->dims[0] < in->dims[0])
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "output shorter than the input");
    return HIL_OK;
}

static int square_root_eval(hil_graph *g, hil_node *node)
{
    hil_tensor *in_t = hil_node_input(g, node, 0);
    const uint64_t *in = (const uint64_t *)(const void *)in_t->data;
    int32_t shift = *(const int32_t *)(const void *)hil_node_input(g, node, 1)->data;
    uint32_t *out = (uint32_t *)(void *)hil_node_output(g, node, 0)->data;
    /* TFLM shifts by any value it is given; past 31 that is undefined in C: 0 here */
    for (int32_t i = 0; i < in_t->dims[0]; i++)
        out[i] = shift >= 0 && shift < 32 ? sqrt64(in[i]) >> shift : 0u;
    return HIL_OK;
}

const hil_kernel hil_kernel_signal_filter_bank_square_root = {1006, "SignalFilterBankSquareRoot",
                                                              square_root_prepare, square_root_eval};
