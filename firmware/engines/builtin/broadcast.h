/* NumPy-style broadcasting for binary elementwise kernels (ADD, MUL, SUB, MAXIMUM, ...). Prepare collapses the
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
    uint8_t size1, size2, size_out; /* element sizes in bytes (hil_broadcast_run) */
    int32_t dims[HIL_MAX_DIMS];
    int32_t stride1[HIL_MAX_DIMS]; /* element strides of input 1, 0 along broadcast dimensions */
    int32_t stride2[HIL_MAX_DIMS];
} hil_broadcast;

/* Fills `bc`; returns 0, or -1 when the input shapes do not broadcast to the output shape. */
int hil_broadcast_prepare(const hil_tensor *in1, const hil_tensor *in2, const hil_tensor *out, hil_broadcast *bc);


/* Rows of the walk: every output dimension but the last (row-major, the last fastest). */
static inline uint32_t hil_broadcast_rows(const hil_broadcast *bc)
{
    uint32_t outer = 1;
    for (int d = 0; d < bc->ndim - 1; d++)
        outer *= (uint32_t)bc->dims[d];
    return outer;
}

/* Steps the outer index (an odometer over the dimensions but the last, zeroed before the first
 * row) to the next row, moving the inputs' element offsets with it. */
static inline void hil_broadcast_next_row(const hil_broadcast *bc, int32_t index[HIL_MAX_DIMS], int32_t *off1,
                                          int32_t *off2)
{
    for (int d = bc->ndim - 2; d >= 0; d--) {
        *off1 += bc->stride1[d];
        *off2 += bc->stride2[d];
        if (++index[d] < bc->dims[d])
            break;
        *off1 -= bc->stride1[d] * bc->dims[d];
        *off2 -= bc->stride2[d] * bc->dims[d];
        index[d] = 0;
    }
}

/* Walks the output row by row (row-major), for any element types (the sizes prepare took from
 * the tensors). `row` computes one output row of n elements, out[i] = f(in1[i * step1],
 * in2[i * step2]) with steps 0 or 1, casting its pointers itself. */
typedef void (*hil_broadcast_row_any)(const void *params, const void *in1, int32_t step1, const void *in2,
                                      int32_t step2, void *out, int32_t n);
void hil_broadcast_run(const hil_broadcast *bc, const void *in1, const void *in2, void *out, hil_broadcast_row_any row,
                       const void *params);

#endif
