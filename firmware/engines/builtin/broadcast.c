#include "broadcast.h"

enum { FULL = 1, BROADCAST = 2 };

int hil_broadcast_prepare(const hil_tensor *in1, const hil_tensor *in2, const hil_tensor *out, hil_broadcast *bc)
{
    int nd = out->ndim;
    if (in1->ndim > nd || in2->ndim > nd)
        return -1;
    bc->ndim = 0;
    bc->size1 = (uint8_t)hil_dtype_size(in1->type);
    bc->size2 = (uint8_t)hil_dtype_size(in2->type);
    bc->size_out = (uint8_t)hil_dtype_size(out->type);
    int last1 = 0, last2 = 0;
    for (int d = 0; d < nd; d++) {
        int32_t o = out->dims[d];
        /* inputs are right-aligned against the output, missing leading dimensions are 1 */
        int32_t a = d - (nd - in1->ndim) >= 0 ? in1->dims[d - (nd - in1->ndim)] : 1;
        int32_t b = d - (nd - in2->ndim) >= 0 ? in2->dims[d - (nd - in2->ndim)] : 1;
        if ((a != o && a != 1) || (b != o && b != 1) || (o != 1 && a != o && b != o) ||
            (o == 1 && (a != 1 || b != 1)))
            return -1;
        if (o == 1)
            continue;
        int k1 = a == o ? FULL : BROADCAST, k2 = b == o ? FULL : BROADCAST;
        if (bc->ndim > 0 && k1 == last1 && k2 == last2) {
            bc->dims[bc->ndim - 1] *= o; /* merge with the previous dimension */
        } else {
            bc->dims[bc->ndim] = o;
            bc->stride1[bc->ndim] = k1 == FULL;
            bc->stride2[bc->ndim] = k2 == FULL;
            bc->ndim++;
        }
        last1 = k1;
        last2 = k2;
    }
    if (bc->ndim == 0) {
        bc->ndim = 1;
        bc->dims[0] = 1;
        bc->stride1[0] = bc->stride2[0] = 1;
        return 0;
    }
    /* Strides from the innermost dimension out: the product of the input's own (full) extents. */
    int32_t s1 = 1, s2 = 1;
    for (int d = bc->ndim - 1; d >= 0; d--) {
        int full1 = bc->stride1[d], full2 = bc->stride2[d];
        bc->stride1[d] = full1 ? s1 : 0;
        bc->stride2[d] = full2 ? s2 : 0;
        if (full1)
            s1 *= bc->dims[d];
        if (full2)
            s2 *= bc->dims[d];
    }
    return 0;
}

void hil_broadcast_run(const hil_broadcast *bc, const void *in1, const void *in2, void *out, hil_broadcast_row_any row,
                       const void *params)
{
    const int last = bc->ndim - 1;
    const int32_t n = bc->dims[last];
    const uint32_t rows = hil_broadcast_rows(bc);
    const uint8_t *a = in1, *b = in2;
    uint8_t *o = out;
    int32_t index[HIL_MAX_DIMS] = {0};
    int32_t off1 = 0, off2 = 0;
    for (uint32_t r = 0; r < rows; r++, o += (uint32_t)n * bc->size_out) {
        row(params, a + (uint32_t)off1 * bc->size1, bc->stride1[last], b + (uint32_t)off2 * bc->size2,
            bc->stride2[last], o, n);
        hil_broadcast_next_row(bc, index, &off1, &off2);
    }
}
