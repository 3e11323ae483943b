/* SignalRfft, float32 (signal_rfft.h). */
#include "signal_rfft.h"

static int rfft_f32_prepare(hil_graph *g, hil_node *node)
{
    return hil_rfft_prepare(g, node, HIL_FLOAT32, 0, hil_fft_plan_f32);
}

static int rfft_f32_eval(hil_graph *g, hil_node *node)
{
    return hil_rfft_frames(g, node, 0, sizeof(float), hil_rfft_f32);
}

const hil_kernel hil_kernel_signal_rfft_f32 = {1002, "SignalRfft", rfft_f32_prepare, rfft_f32_eval};
