/* hil_window_alias_limit (alias.h) against a byte-level simulation of the order in which the
 * window kernels read and write: at the computed limit no write destroys an input byte that a
 * later read needs, and one byte further some write does (the limit is exact). Random small
 * NHWC geometries: batches, kernel sizes, strides, dilations, SAME / VALID padding, channel
 * counts on both sides, pixels read and written one at a time (group 0: a pixel's writes may
 * precede its own reads) or in pairs read before they are written (group 2). */
#include <stdlib.h>
#include <string.h>

#include "alias.h"
#include "hil_test.h"

static uint8_t written[1 << 16];

/* Marks the input bytes that output pixels [p0, p1) overwrite at displacement d. */
static void write_pixels(const hil_window_geometry *w, int64_t p0, int64_t p1, int64_t d, int64_t in_bytes)
{
    for (int64_t b = p0 * w->out_px_bytes + d; b < p1 * w->out_px_bytes + d; b++)
        if (b >= 0 && b < in_bytes)
            written[b] = 1;
}

/* Whether output pixel p reads a byte already overwritten. */
static int reads_clobbered(const hil_window_geometry *w, int64_t p)
{
    int32_t ox = (int32_t)(p % w->out_w), oy = (int32_t)(p / w->out_w % w->out_h), b = (int32_t)(p / w->out_w / w->out_h);
    for (int32_t fy = 0; fy < w->filter_h; fy++) {
        int32_t iy = oy * w->stride_h - w->pad_h + fy * w->dilation_h;
        for (int32_t fx = 0; fx < w->filter_w; fx++) {
            int32_t ix = ox * w->stride_w - w->pad_w + fx * w->dilation_w;
            if (iy < 0 || iy >= w->in_h || ix < 0 || ix >= w->in_w)
                continue;
            int64_t at = (((int64_t)b * w->in_h + iy) * w->in_w + ix) * w->in_px_bytes;
            for (int32_t c = 0; c < w->in_px_bytes; c++)
                if (written[at + c])
                    return 1;
        }
    }
    return 0;
}

/* Simulates the kernel at displacement d; returns 1 when every read sees intact input. */
static int safe(const hil_window_geometry *w, int group, int64_t d)
{
    const int64_t n = (int64_t)w->batches * w->out_h * w->out_w;
    const int64_t in_bytes = (int64_t)w->batches * w->in_h * w->in_w * w->in_px_bytes;
    memset(written, 0, (size_t)in_bytes);
    if (group == 0) {
        for (int64_t p = 0; p < n; p++) { /* worst case: the pixel's writes before its reads */
            write_pixels(w, p, p + 1, d, in_bytes);
            if (reads_clobbered(w, p))
                return 0;
        }
        return 1;
    }
    for (int64_t p0 = 0; p0 < n; p0 += group) {
        int64_t p1 = p0 + group < n ? p0 + group : n;
        for (int64_t p = p0; p < p1; p++)
            if (reads_clobbered(w, p))
                return 0;
        write_pixels(w, p0, p1, d, in_bytes);
    }
    return 1;
}

int main(void)
{
    hil_test_rng = 0xD1B54A32D192ED03ull;
    int tested = 0, unconstrained = 0;
    for (int i = 0; i < 4000; i++) {
        hil_window_geometry w;
        w.batches = range(1, 2);
        w.in_h = range(1, 9);
        w.in_w = range(1, 9);
        w.in_px_bytes = range(1, 8);
        w.out_px_bytes = range(1, 8);
        w.filter_h = range(1, 3);
        w.filter_w = range(1, 3);
        w.stride_h = range(1, 2);
        w.stride_w = range(1, 2);
        w.dilation_h = (rnd() % 4u) ? 1 : 2;
        w.dilation_w = (rnd() % 4u) ? 1 : 2;
        int padding = (int)(rnd() & 1u);
        hil_window_dim dy, dx;
        if (hil_window_axis(padding, w.in_h, w.filter_h, w.stride_h, w.dilation_h, &dy) ||
            hil_window_axis(padding, w.in_w, w.filter_w, w.stride_w, w.dilation_w, &dx))
            continue;
        w.out_h = dy.out, w.out_w = dx.out, w.pad_h = dy.pad, w.pad_w = dx.pad;
        int group = (rnd() & 1u) ? 0 : 2;
        int32_t limit = hil_window_alias_limit(&w, group);
        tested++;
        if (limit == INT32_MAX) { /* nothing is read after the first write: any placement */
            unconstrained++;
            CHECK(safe(&w, group, -100000) && safe(&w, group, 0) && safe(&w, group, 100000));
            continue;
        }
        if (!safe(&w, group, limit) || !safe(&w, group, (int64_t)limit - 17) || safe(&w, group, (int64_t)limit + 1)) {
            fprintf(stderr, "case %d: limit %d not exact (group %d, %dx%dx%d -> %dx%dx%d, k %dx%d s %d,%d d %d,%d)\n",
                    i, limit, group, w.in_h, w.in_w, w.in_px_bytes, w.out_h, w.out_w, w.out_px_bytes, w.filter_h,
                    w.filter_w, w.stride_h, w.stride_w, w.dilation_h, w.dilation_w);
            hil_test_failures++;
        }
    }
    fprintf(stderr, "%d geometries, %d unconstrained\n", tested, unconstrained);
    CHECK(tested > 2000);
    TEST_MAIN_END();
}
