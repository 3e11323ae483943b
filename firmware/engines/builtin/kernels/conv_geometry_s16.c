/* hil_conv_allow_alias for the 16x8 convolutions (conv_geometry.h): two bytes per element. */
#include "conv_geometry.h"

void hil_conv_allow_alias_s16(hil_graph *g, hil_node *node, const hil_conv_geometry *w, int group)
{
    /* An output larger than the arena cannot be planned anyway: skip the per-pixel scan. */
    if (2u * (uint64_t)w->batches * (uint64_t)w->out_h * (uint64_t)w->out_w * (uint64_t)w->out_c > g->arena_size)
        return;
    const hil_window_geometry a = hil_conv_window(w, 2);
    hil_allow_alias(g, node, 0, hil_window_alias_limit(&a, group));
}
