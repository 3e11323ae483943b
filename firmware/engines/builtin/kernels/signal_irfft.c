/* SignalIrfft, int16 (signal_rfft.h). */
#include "signal_rfft.h"

static int irfft_i16_prepare(hil_graph *g, hil_node *node)
{
    return hil_rfft_prepare(g, node, HIL_INT16, 1, hil_fft_plan_i16);
}

static int irfft_i16_eval(hil_graph *g, hil_node *node) { return hil_rfft_frames(g, node, 1, 2, hil_irfft_i16); }

const hil_kernel hil_kernel_signal_irfft = {1003, "SignalIrfft", irfft_i16_prepare, irfft_i16_eval};
