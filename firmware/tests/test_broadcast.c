/* Broadcast collapsing and iteration (broadcast.h) against direct NumPy-style indexing: for
 * random compatible shapes, every output element must pair input elements at the right-aligned,
 * size-1-clamped coordinates, in row-major output order. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "broadcast.h"
#include "hil_test.h"

static hil_tensor make(int ndim, const int32_t *dims)
{
    hil_tensor t;
    memset(&t, 0, sizeof t);
    t.type = HIL_INT8;
    t.ndim = (uint8_t)ndim;
    for (int d = 0; d < ndim; d++)
        t.dims[d] = dims[d];
    t.bytes = hil_num_elements(&t);
    return t;
}

/* The row function records which input element offsets meet at each output position. */
typedef struct {
    int16_t *pairs; /* 2 per output element */
    const int8_t *base1, *base2, *base_out;
} trace;

static void record(const void *params, const void *in1_bytes, int32_t step1, const void *in2_bytes, int32_t step2,
                   void *out_bytes, int32_t n)
{
    const trace *t = params;
    const int8_t *in1 = in1_bytes, *in2 = in2_bytes, *out = out_bytes;
    for (int32_t i = 0; i < n; i++) {
        int32_t pos = (int32_t)(out - t->base_out) + i;
        t->pairs[2 * pos] = (int16_t)(in1 + i * step1 - t->base1);
        t->pairs[2 * pos + 1] = (int16_t)(in2 + i * step2 - t->base2);
    }
}

static int32_t flat_index(const hil_tensor *t, int out_ndim, const int32_t *coord)
{
    int32_t index = 0;
    for (int d = 0; d < t->ndim; d++) {
        int32_t c = coord[d + out_ndim - t->ndim];
        index = index * t->dims[d] + (t->dims[d] == 1 ? 0 : c);
    }
    return index;
}

static void check_case(int out_ndim, const int32_t *out_dims, int nd1, const int32_t *d1, int nd2, const int32_t *d2)
{
    hil_tensor a = make(nd1, d1), b = make(nd2, d2), o = make(out_ndim, out_dims);
    hil_broadcast bc;
    CHECK_EQ_INT(hil_broadcast_prepare(&a, &b, &o, &bc), 0);
    uint32_t n = hil_num_elements(&o);
    int16_t *pairs = calloc(2 * (size_t)n, sizeof *pairs);
    static int8_t in1[4096], in2[4096], out[4096];
    trace t = {pairs, in1, in2, out};
    hil_broadcast_run(&bc, in1, in2, out, record, &t);
    int32_t coord[HIL_MAX_DIMS] = {0};
    for (uint32_t i = 0; i < n; i++) {
        CHECK_EQ_INT(pairs[2 * i], flat_index(&a, out_ndim, coord));
        CHECK_EQ_INT(pairs[2 * i + 1], flat_index(&b, out_ndim, coord));
        for (int d = out_ndim - 1; d >= 0; d--) {
            if (++coord[d] < out_dims[d])
                break;
            coord[d] = 0;
        }
    }
    free(pairs);
}

int main(void)
{
    srand(1234);
    /* fixed cases: same shape, scalar, trailing vector, middle broadcast, both sides broadcast */
    {
        const int32_t o[] = {2, 3, 4}, b[] = {4}, c[] = {3, 1}, s[] = {1}, x[] = {2, 1, 4}, y[] = {1, 3, 1};
        check_case(3, o, 3, o, 3, o);
        check_case(3, o, 3, o, 1, s);
        check_case(3, o, 1, b, 3, o);
        check_case(3, o, 3, o, 2, c);
        check_case(3, o, 3, x, 3, y);
    }
    /* random 1-6-D shapes */
    for (int iter = 0; iter < 500; iter++) {
        int nd = 1 + rand() % HIL_MAX_DIMS;
        int32_t o[HIL_MAX_DIMS], a[HIL_MAX_DIMS], b[HIL_MAX_DIMS];
        for (int d = 0; d < nd; d++)
            o[d] = 1 + rand() % 4;
        int nd1 = 1 + rand() % nd, nd2 = 1 + rand() % nd;
        for (int d = 0; d < nd1; d++)
            a[d] = rand() % 3 == 0 ? 1 : o[d + nd - nd1];
        for (int d = 0; d < nd2; d++)
            b[d] = rand() % 3 == 0 ? 1 : o[d + nd - nd2];
        /* the output must be the broadcast of the two: fix dimensions neither input covers */
        for (int d = 0; d < nd; d++) {
            int32_t da = d - (nd - nd1) >= 0 ? a[d - (nd - nd1)] : 1;
            int32_t db = d - (nd - nd2) >= 0 ? b[d - (nd - nd2)] : 1;
            o[d] = da > db ? da : db;
        }
        check_case(nd, o, nd1, a, nd2, b);
    }
    /* incompatible shapes are refused */
    {
        const int32_t o[] = {2, 3}, bad[] = {2, 2}, big[] = {4, 3};
        hil_tensor to = make(2, o), tb = make(2, bad), tg = make(2, big);
        hil_broadcast bc;
        CHECK_EQ_INT(hil_broadcast_prepare(&to, &tb, &to, &bc), -1);
        CHECK_EQ_INT(hil_broadcast_prepare(&to, &tg, &to, &bc), -1);
        CHECK_EQ_INT(hil_broadcast_prepare(&tg, &to, &to, &bc), -1); /* output smaller than an input */
    }
    TEST_MAIN_END();
}
