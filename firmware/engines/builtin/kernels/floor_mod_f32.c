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

static void floor_mod_f32_row(const void *params, const void *in1, int32_t step1, const void *in2, int32_t step2,
                              void *out, int32_t n)
{
    const float *a = in1, *b = in2;
    float *o = out;
    for (int32_t i = 0; i < n; i++, a += step1, b += step2)
        o[i] = floor_mod(*a, *b);
}

static int floor_mod_f32_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, floor_mod_f32_row); }

const hil_kernel hil_kernel_floor_mod_f32 = {95, "FLOOR_MOD", floor_mod_f32_prepare, floor_mod_f32_eval};
