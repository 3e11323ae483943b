/* SignalRfft, int32 (signal_rfft.h). */
#include "signal_rfft.h"

static int rfft_i32_prepare(hil_graph *g, hil_node *node)
{
    return hil_rfft_prepare(g, node, HIL_INT32, 0, hil_fft_plan_i32);
}

static int rfft_i32_eval(hil_graph *g, hil_node *node) { return hil_rfft_frames(g, node, 0, 4, hil_rfft_i32); }

const hil_kernel hil_kernel_signal_rfft_i32 = {1002, "SignalRfft", rfft_i32_prepare, rfft_i32_eval};
