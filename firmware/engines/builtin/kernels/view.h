/* Strided views: the data-movement operators whose output is a fixed rearrangement of one input
 * (TRANSPOSE, SLICE, REVERSE_V2, BROADCAST_TO, SPACE_TO_DEPTH, DEPTH_TO_SPACE) describe it as
 * an output shape with, per output axis, the input step in elements (negative to reverse, 0 to
 * repeat) and the input element of output element 0. Prepare builds the view once; eval copies
 * the output in raster order, whole rows at a time where the innermost step is 1. Any element
 * size: a firmware links the operators its model uses (ops.def), and with them this copy. */
#ifndef HIL_VIEW_H
#define HIL_VIEW_H
#include <stdint.h>

#include "graph.h"

typedef struct {
    int32_t ndim; /* >= 1 once built */
    int32_t elem; /* bytes per element */
    int32_t dims[HIL_MAX_DIMS];
    int32_t step[HIL_MAX_DIMS]; /* input elements per step along each output axis */
    int32_t origin;             /* input element of output element 0 */
} hil_view;

/* Builds `v` from `ndim` output axes (size, input step), origin and element size, dropping axes
 * of size 1 and merging neighbours that walk the input as one axis. ndim may be 0 (a scalar). */
void hil_view_build(hil_view *v, int ndim, const int32_t *dims, const int32_t *step, int32_t origin, int elem);

/* Writes every output element (v->dims) from `in`. */
void hil_view_copy(const hil_view *v, const uint8_t *in, uint8_t *out);

/* Row-major element strides of a tensor: stride[d] = product of dims[d + 1 ..]. */
static inline void hil_view_strides(const hil_tensor *t, int32_t stride[HIL_MAX_DIMS])
{
    int32_t s = 1;
    for (int d = t->ndim - 1; d >= 0; d--) {
        stride[d] = s;
        s *= t->dims[d];
    }
}

#endif
