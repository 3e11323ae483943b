/* SignalFftAutoScale (int16): shifts the frame left as far as its largest magnitude allows and
 * outputs the shift (int32 scalar), which FilterBankSquareRoot later undoes (TFLM's signal
 * library: FftAutoScale). */
#include "signal.h"

static int auto_scale_prepare(hil_graph *g, hil_node *node)
{
    int status = hil_signal_arity(g, node, 1, 2);
    if (status != HIL_OK)
        return status;
    hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    if ((status = hil_signal_tensor(g, node, in, HIL_INT16, 1, "input")) ||
        (status = hil_signal_tensor(g, node, out, HIL_INT16, 1, "output")) ||
        (status = hil_signal_tensor(g, node, hil_node_output(g, node, 1), HIL_INT32, 0, "scale output")))
        return status;
    if (out->dims[0] != in->dims[0])
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input and output lengths differ");
    return HIL_OK;
}

/* TFLM's MaxAbs16: note -(-32768) stored back in int16 is -32768 again. */
static int16_t max_abs(const int16_t *x, uint32_t n)
{
    int16_t max = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (x[i] > max)
            max = x[i];
        else if (-x[i] > max)
            max = (int16_t)-x[i];
    }
    return max;
}

static int auto_scale_eval(hil_graph *g, hil_node *node)
{
    hil_tensor *in_t = hil_node_input(g, node, 0), *out_t = hil_node_output(g, node, 0);
    const int16_t *in = (const int16_t *)(const void *)in_t->data;
    int16_t *out = (int16_t *)(void *)out_t->data;
    uint32_t n = (uint32_t)out_t->dims[0];
    int16_t max = max_abs(in, n);
    /* TFLM's MostSignificantBit32 of the sign-extended max; 32 for 0 */
    int32_t msb = max ? (int32_t)hil_msb32((uint32_t)(int32_t)max) : 32;
    int32_t bits = 16 - msb - 1;
    if (bits < 0)
        bits = 0;
    for (uint32_t i = 0; i < n; i++)
        out[i] = (int16_t)(in[i] * (1 << bits));
    *(int32_t *)(void *)hil_node_output(g, node, 1)->data = bits;
    return HIL_OK;
}

const hil_kernel hil_kernel_signal_fft_auto_scale = {1001, "SignalFftAutoScale", auto_scale_prepare, auto_scale_eval};
