/* SignalIrfft, int32 (signal_rfft.h). */
#include "signal_rfft.h"

static int irfft_i32_prepare(hil_graph *g, hil_node *node)
{
    return hil_rfft_prepare(g, node, HIL_INT32, 1, hil_fft_plan_i32);
}

static int irfft_i32_eval(hil_graph *g, hil_node *node) { return hil_rfft_frames(g, node, 1, 4, hil_irfft_i32); }

const hil_kernel hil_kernel_signal_irfft_i32 = {1003, "SignalIrfft", irfft_i32_prepare, irfft_i32_eval};
