/* Strided views (view.h). */
#include "view.h"

#include <string.h>

void hil_view_build(hil_view *v, int ndim, const int32_t *dims, const int32_t *step, int32_t origin, int elem)
{
    int n = 0;
    for (int d = 0; d < ndim; d++) {
        if (dims[d] == 1)
            continue; /* one position: no step */
        /* Axis d continues the previous kept axis when one step of it is a whole sweep of d. */
        if (n > 0 && v->step[n - 1] == step[d] * dims[d]) {
            v->dims[n - 1] *= dims[d];
            v->step[n - 1] = step[d];
            continue;
        }
        v->dims[n] = dims[d];
        v->step[n] = step[d];
        n++;
    }
    if (n == 0) { /* a single element */
        v->dims[0] = 1;
        v->step[0] = 1;
        n = 1;
    }
    v->ndim = n;
    v->elem = elem;
    v->origin = origin;
}

/* n elements of `elem` bytes, `step` input elements apart. */
static void copy_run(uint8_t *out, const uint8_t *in, int32_t n, int32_t step, int32_t elem)
{
    if (step == 1) {
        memcpy(out, in, (size_t)n * (size_t)elem);
        return;
    }
    const intptr_t stride = (intptr_t)step * elem;
    for (int32_t i = 0; i < n; i++, in += stride, out += elem) {
        switch (elem) { /* one load and one store per element for the common sizes */
        case 1: *out = *in; break;
        case 2: memcpy(out, in, 2); break;
        case 4: memcpy(out, in, 4); break;
        default: memcpy(out, in, (size_t)elem); break;
        }
    }
}

void hil_view_copy(const hil_view *v, const uint8_t *in, uint8_t *out)
{
    const int last = v->ndim - 1;
    const int32_t row = v->dims[last];
    const size_t row_bytes = (size_t)row * (size_t)v->elem;
    int32_t index[HIL_MAX_DIMS] = {0};
    int32_t offset = v->origin; /* input element of the current row's first element */
    for (;;) {
        copy_run(out, in + (intptr_t)offset * v->elem, row, v->step[last], v->elem);
        out += row_bytes;
        int d = last - 1; /* odometer over the outer axes */
        for (; d >= 0; d--) {
            offset += v->step[d];
            if (++index[d] < v->dims[d])
                break;
            offset -= v->step[d] * v->dims[d];
            index[d] = 0;
        }
        if (d < 0)
            return;
    }
}
