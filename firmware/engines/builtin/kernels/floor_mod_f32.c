/* FLOOR_MOD, float32, with broadcasting: TFLM's reference_ops::FloorMod, std::fmod moved to the
 * divisor's sign (a zero divisor gives NaN, as there). */
#include <math.h>

#include "binary.h"
#include "common_f32.h"

static int floor_mod_f32_prepare(hil_graph *g, hil_node *node)
{
    return hil_binary_prepare_broadcast(g, node, HIL_FLOAT32);
}

static float floor_mod(float a, float b)
{
    float trunc_mod = fmodf(a, b);
    return trunc_mod != 0 && ((b < 0) != (trunc_mod < 0)) ? trunc_mod + b : trunc_mod;
}

HIL_BINARY_ROW(floor_mod_f32, float, float, floor_mod(x, y))

static int floor_mod_f32_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, floor_mod_f32_row); }

const hil_kernel hil_kernel_floor_mod_f32 = {95, "FLOOR_MOD", floor_mod_f32_prepare, floor_mod_f32_eval};
