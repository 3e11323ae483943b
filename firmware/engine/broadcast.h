/* NumPy-style broadcasting for binary elementwise kernels (ADD, MUL). Prepare collapses the
 * shapes once: dimensions of size 1 in the output are dropped and neighbouring dimensions that
 * broadcast the same way are merged, so eval walks long contiguous rows. The visiting order is
 * row-major over the output, as TFLM's broadcast loops; every output element is computed by the
 * same per-element arithmetic either way. */
#ifndef HIL_BROADCAST_H
#define HIL_BROADCAST_H
#include <stdint.h>

#include "graph.h"

typedef struct {
    uint8_t ndim; /* >= 1 after collapsing */
    int32_t dims[HIL_MAX_DIMS];
    int32_t stride1[HIL_MAX_DIMS]; /* element strides of input 1, 0 along broadcast dimensions */
    int32_t stride2[HIL_MAX_DIMS];
} hil_broadcast;

/* Fills `bc`; returns 0, or -1 when the input shapes do not broadcast to the output shape. */
int hil_broadcast_prepare(const hil_tensor *in1, const hil_tensor *in2, const hil_tensor *out, hil_broadcast *bc);

/* One output row of n elements: out[i] = f(in1[i * step1], in2[i * step2]), steps 0 or 1. */
typedef void (*hil_broadcast_row_fn)(const void *params, const int8_t *in1, int32_t step1, const int8_t *in2,
                                     int32_t step2, int8_t *out, int32_t n);

void hil_broadcast_run_int8(const hil_broadcast *bc, const int8_t *in1, const int8_t *in2, int8_t *out,
                            hil_broadcast_row_fn row, const void *params);

#endif
