/* Shared by the float32 kernels (*_f32.c): fused activation ranges and a broadcasting row
 * walker for binary element-wise ops. Header-only (static inline). The float kernels follow TFLM's float reference kernels (tensorflow/lite/kernels/internal/
 * reference/): same loop order and single-precision arithmetic, so the remaining
 * differences are the compiler's fused multiply-adds and the C library's expf / tanhf. */
#ifndef HIL_COMMON_F32_H
#define HIL_COMMON_F32_H
#include <float.h>
#include <stdint.h>

#include "broadcast.h"
#include "graph.h"
#include "hil_protocol.h"
#include "padding.h"

/* Float16 bits to float32 (exact; dequantize_f16.c). */
float hil_f16_to_f32(uint16_t half);

/* TFLM's CalculateActivationRange for float outputs; returns 0 for an unknown activation. */
static inline int hil_f32_activation_range(int activation, float *lo, float *hi)
{
    *lo = -FLT_MAX;
    *hi = FLT_MAX;
    switch (activation) {
    case HIL_ACT_NONE: return 1;
    case HIL_ACT_RELU: *lo = 0.0f; return 1;
    case HIL_ACT_RELU_N1_TO_1: *lo = -1.0f, *hi = 1.0f; return 1;
    case HIL_ACT_RELU6: *lo = 0.0f, *hi = 6.0f; return 1;
    default: return 0;
    }
}

/* std::min(std::max(v, lo), hi), as TFLM's ActivationFunctionWithMinMax. */
static inline float hil_f32_clamp(float v, float lo, float hi)
{
    float m = v < lo ? lo : v;
    return hi < m ? hi : m;
}

static inline int hil_f32_all(const hil_tensor *a, const hil_tensor *b)
{
    return a && b && a->type == HIL_FLOAT32 && b->type == HIL_FLOAT32;
}

#endif
