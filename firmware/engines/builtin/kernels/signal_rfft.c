/* SignalRfft, int16 (signal_rfft.h). */
#include "signal_rfft.h"

static int rfft_i16_prepare(hil_graph *g, hil_node *node)
{
    return hil_rfft_prepare(g, node, HIL_INT16, 0, hil_fft_plan_i16);
}

static int rfft_i16_eval(hil_graph *g, hil_node *node) { return hil_rfft_frames(g, node, 0, 2, hil_rfft_i16); }

const hil_kernel hil_kernel_signal_rfft = {1002, "SignalRfft", rfft_i16_prepare, rfft_i16_eval};
