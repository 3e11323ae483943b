/* Output size and implicit padding of 2-D window operators (CONV_2D, DEPTHWISE_CONV_2D,
 * AVERAGE_POOL_2D, MAX_POOL_2D), computed as TFLite does (GetWindowedOutputSize in TensorFlow,
 * ComputePaddingHeightWidth in TFLM): the extra odd pixel of SAME padding goes after the image,
 * so only the leading padding is needed by the kernels. Header-only (static inline), so the
 * build's source lists need no entry. */
#ifndef HIL_PADDING_H
#define HIL_PADDING_H
#include <stdint.h>

/* TFLite Padding enum values. */
enum { HIL_PADDING_SAME = 0, HIL_PADDING_VALID = 1 };

typedef struct {
    int32_t out; /* output size along this axis */
    int32_t pad; /* padding before the first input element */
} hil_window_dim;

/* One spatial axis; returns 0 on success, -1 when the parameters describe no output. */
static inline int hil_window_axis(int padding, int32_t in, int32_t filter, int32_t stride, int32_t dilation,
                                  hil_window_dim *out)
{
    if (in <= 0 || filter <= 0 || stride <= 0 || dilation <= 0)
        return -1;
    int64_t effective = (int64_t)(filter - 1) * dilation + 1;
    int64_t size;
    if (padding == HIL_PADDING_SAME)
        size = ((int64_t)in + stride - 1) / stride;
    else if (padding == HIL_PADDING_VALID)
        size = ((int64_t)in + stride - effective) / stride; /* C division truncates, as in TFLite */
    else
        return -1;
    if (size <= 0)
        return -1;
    int64_t total = (size - 1) * stride + effective - in;
    out->out = (int32_t)size;
    out->pad = total > 0 ? (int32_t)(total / 2) : 0;
    return 0;
}

/* The range [*lo, *hi) of filter taps k with 0 <= origin + k * dilation < in. Hoisting it out of
 * the inner loops replaces TFLM's per-tap "inside the image" test with the same set of taps. */
static inline void hil_window_taps(int32_t origin, int32_t in, int32_t filter, int32_t dilation, int32_t *lo,
                                   int32_t *hi)
{
    int32_t first = origin < 0 ? (-origin + dilation - 1) / dilation : 0;
    int32_t last = in - origin <= 0 ? 0 : (in - origin + dilation - 1) / dilation; /* first tap past the end */
    *lo = first < filter ? first : filter;
    *hi = last < filter ? last : filter;
    if (*hi < *lo)
        *hi = *lo;
}

#endif
