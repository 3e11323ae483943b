/* SignalIrfft, float32 (signal_rfft.h): KissFFT's unscaled inverse, then divided by fft_length
 * as TFLM's IrfftFloatApply does. */
#include "signal_rfft.h"

static int irfft_f32_prepare(hil_graph *g, hil_node *node)
{
    return hil_rfft_prepare(g, node, HIL_FLOAT32, 1, hil_fft_plan_f32);
}

static int irfft_f32_eval(hil_graph *g, hil_node *node)
{
    const hil_rfft_params *p = node->params;
    hil_rfft_frames(g, node, 1, sizeof(float), hil_irfft_f32);
    float *out = (float *)(void *)hil_node_output(g, node, 0)->data;
    for (uint32_t f = 0; f < p->frames; f++)
        for (uint32_t i = 0; i < p->fft_length; i++)
            out[f * p->out_step + i] /= (float)p->fft_length;
    return HIL_OK;
}

const hil_kernel hil_kernel_signal_irfft_f32 = {1003, "SignalIrfft", irfft_f32_prepare, irfft_f32_eval};
