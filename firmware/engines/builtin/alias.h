/* How far a window operator's output may overlap its input (hil_allow_alias), from the order in
 * which its kernel reads and writes. Both tensors are NHWC and dense from their base; output
 * pixels are written in raster order (batch, row, column), each output pixel's bytes at
 * pixel * out_px_bytes. Output pixel p reads only input bytes from start(p), the first input
 * byte of its window that lies inside the image, onwards.
 *
 * With d = output base - input base, a write never destroys input still to be read when every
 * write of a pixel ends at or before the first byte any later read needs:
 *   write_end(p) + d <= min over pixels q still to be read of start(q).
 * Kernels that read a whole group of `group` pixels (into their own buffer) before writing the
 * group's outputs need q to range over later groups; kernels that interleave reads and writes
 * of one pixel (group 0 here) include the pixel itself. The limit is the minimum over pixels;
 * INT32_MAX when no write precedes a read. Header-only (static inline). */
#ifndef HIL_ALIAS_H
#define HIL_ALIAS_H
#include <stdint.h>

#include "padding.h"

typedef struct {
    int32_t batches, in_h, in_w, in_px_bytes;
    int32_t out_h, out_w, out_px_bytes;
    int32_t filter_h, filter_w, stride_h, stride_w, dilation_h, dilation_w, pad_h, pad_w;
} hil_window_geometry;

/* First input byte read by output pixel p, or INT64_MAX when its window holds no input. */
static inline int64_t hil_window_start(const hil_window_geometry *w, int64_t p)
{
    int32_t ox = (int32_t)(p % w->out_w), oy = (int32_t)(p / w->out_w % w->out_h), b = (int32_t)(p / w->out_w / w->out_h);
    int32_t iy = oy * w->stride_h - w->pad_h, ix = ox * w->stride_w - w->pad_w, fy0, fy1, fx0, fx1;
    hil_window_taps(iy, w->in_h, w->filter_h, w->dilation_h, &fy0, &fy1);
    hil_window_taps(ix, w->in_w, w->filter_w, w->dilation_w, &fx0, &fx1);
    if (fy0 == fy1 || fx0 == fx1)
        return INT64_MAX;
    iy += fy0 * w->dilation_h;
    ix += fx0 * w->dilation_w;
    return (((int64_t)b * w->in_h + iy) * w->in_w + ix) * w->in_px_bytes;
}

/* group 0: reads and writes of a pixel interleave; group n >= 1: pixels in groups of n (the
 * last one shorter), each group read entirely before it is written. */
static inline int32_t hil_window_alias_limit(const hil_window_geometry *w, int group)
{
    const int64_t n = (int64_t)w->batches * w->out_h * w->out_w;
    int64_t later = INT64_MAX, limit = INT32_MAX; /* later: min start(q) over q > p */
    for (int64_t p = n - 1; p >= 0; p--) {
        int64_t start = hil_window_start(w, p), need = INT64_MAX;
        if (group == 0)
            need = start < later ? start : later;
        else if ((p + 1) % group == 0 || p == n - 1)
            need = later;
        if (need != INT64_MAX && need - (p + 1) * w->out_px_bytes < limit)
            limit = need - (p + 1) * w->out_px_bytes;
        later = start < later ? start : later;
    }
    return limit < INT32_MIN ? INT32_MIN : (int32_t)limit;
}

#endif
