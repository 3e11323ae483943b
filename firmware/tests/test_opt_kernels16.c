/* The optimized 16x8 paths of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED against their
 * reference paths, bit for bit, on thousands of random small cases: channel counts that are and
 * are not multiples of four, odd pixel counts, kernel sizes 1-5, strides, dilations, SAME and
 * VALID, batches, per-tensor and per-channel scales, every fused activation, int64 and int32
 * biases and no bias (both accumulator widths), depths above 256 (the int32 partial sums are
 * flushed into int64), and inputs and weights at their extremes (the largest products). The
 * same prepare/eval runs with hil_opt_enabled = 0 (the reference loops, checked against TFLM by
 * the Python tests) and 1. A HIL_REFERENCE_KERNELS build has no optimized paths: the comparison
 * is then trivially equal and the path counter shows it. */
#include "hil_test.h"
#include "kernel_fixture.h"
#include "padding.h"
#include "simd.h"

extern const hil_kernel hil_kernel_conv_2d_i16, hil_kernel_depthwise_conv_2d_i16, hil_kernel_fully_connected_i16;

enum { CASES = 2000, MAX_VALUES = 2048 };

/* Scales giving multipliers from ~2^-24 to ~2^2 (16x8 layers sit around 2^-10 .. 2^-2). */
static float scale(void) { return (float)(0.5 + (rnd() % 1000u) / 1000.0) * (float)(1.0 / (double)(1u << range(0, 14))); }

typedef struct {
    int16_t input[MAX_VALUES];
    int8_t weights[MAX_VALUES];
    int64_t bias64[64];
    int32_t bias32[64];
    float scales[64];
    int16_t out_opt[MAX_VALUES], out_ref[MAX_VALUES];
} case_data;

static case_data d;
static kfx fx;
static long compared, optimized;

static void fill(int n_in, int n_w)
{
    int extremes = (int)(rnd() % 4u) == 0; /* only the extreme values: the widest sums */
    for (int i = 0; i < n_in; i++)
        d.input[i] = extremes ? (int16_t)((rnd() & 1u) ? 32767 : -32768) : (int16_t)rnd();
    for (int i = 0; i < n_w; i++)
        d.weights[i] = extremes ? (int8_t)((rnd() & 1u) ? 127 : -128) : (int8_t)rnd();
    for (int i = 0; i < 64; i++) {
        d.scales[i] = scale();
        d.bias64[i] = (int64_t)(int32_t)rnd() * range(1, 300);
        d.bias32[i] = (int32_t)rnd() % 2000000;
    }
}

typedef struct {
    const hil_kernel *kernel;
    int32_t in_dims[4], w_dims[4], out_dims[4];
    int ndim;         /* 4, or 2 for FULLY_CONNECTED */
    int bias_type;    /* HIL_INT64, HIL_INT32, or 0 for no bias */
    int32_t n_bias, n_scales, quant_dim;
    float in_scale, out_scale;
    int32_t in_zp, out_zp;
    int32_t options[7];
    unsigned n_options;
    uint32_t out_values;
} node_case;

static int run(const node_case *c, int opt, int16_t *out)
{
    hil_opt_enabled = opt;
    kfx_init(&fx, c->kernel);
    kfx_tensor(&fx, 0, HIL_INT16, c->ndim, c->in_dims, c->in_scale, c->in_zp, d.input, 0);
    hil_tensor *w = kfx_tensor(&fx, 1, HIL_INT8, c->ndim, c->w_dims, d.scales[0], 0, d.weights, 1);
    if (c->n_scales > 1)
        kfx_per_channel(&fx, w, d.scales, (uint32_t)c->n_scales, c->quant_dim);
    int32_t bias_index = c->bias_type ? 2 : -1;
    if (c->bias_type)
        kfx_tensor(&fx, 2, c->bias_type, 1, (const int32_t[]){c->n_bias}, 0.0f, 0,
                   c->bias_type == HIL_INT64 ? (const void *)d.bias64 : (const void *)d.bias32, 1);
    kfx_tensor(&fx, 3, HIL_INT16, c->ndim, c->out_dims, c->out_scale, c->out_zp, out, 0);
    kfx_io(&fx, (const int32_t[]){0, 1, bias_index}, 3, (const int32_t[]){3}, 1);
    kfx_options(&fx, c->options, c->n_options);
    memset(out, 0x5A, 2u * c->out_values);
    int status = kfx_prepare(&fx);
    if (status != HIL_OK)
        return status;
    if (opt && (fx.node.scratch || c->kernel == &hil_kernel_depthwise_conv_2d_i16))
        optimized++;
    CHECK(!fx.node.scratch || fx.node.scratch->data != NULL); /* fits the fixture */
    return kfx_eval(&fx);
}

static void compare(const node_case *c, const char *what, int index)
{
    int ref = run(c, 0, d.out_ref);
    int opt = run(c, 1, d.out_opt);
    CHECK_EQ_INT(opt, ref);
    if (ref != HIL_OK)
        return;
    compared++;
    for (uint32_t i = 0; i < c->out_values; i++) {
        if (d.out_opt[i] != d.out_ref[i]) {
            fprintf(stderr, "%s case %d: value %u optimized %d, reference %d\n", what, index, i, d.out_opt[i],
                    d.out_ref[i]);
            hil_test_failures++;
            return;
        }
    }
}

static int window_dims(int padding, int32_t in, int32_t k, int32_t stride, int32_t dil, int32_t *out)
{
    hil_window_dim w;
    if (hil_window_axis(padding, in, k, stride, dil, &w))
        return -1;
    *out = w.out;
    return 0;
}

static void common_quant(node_case *c, int32_t channels)
{
    static const int bias_types[3] = {HIL_INT64, HIL_INT32, 0};
    c->in_scale = scale();
    c->out_scale = scale();
    c->in_zp = c->out_zp = 0;
    c->n_scales = (rnd() & 1u) ? channels : 1;
    c->bias_type = bias_types[rnd() % 3u];
    c->n_bias = channels;
}

static void test_conv(void)
{
    for (int i = 0; i < CASES; i++) {
        node_case c = {&hil_kernel_conv_2d_i16, {0}, {0}, {0}, 4, 0, 0, 0, 0, 0, 0, 0, 0, {0}, 7, 0};
        int32_t b = range(1, 2), h = range(1, 6), w = range(1, 6), ic = range(1, 12), oc = range(1, 11);
        int32_t kh = range(1, 3), kw = range(1, 3), sh = range(1, 2), sw = range(1, 2);
        int32_t dh = (rnd() % 4u) ? 1 : 2, dw = (rnd() % 4u) ? 1 : 2, padding = (int32_t)(rnd() & 1u);
        int32_t act = range(0, 3), oh, ow;
        if ((rnd() % 3u) == 0) /* many pointwise layers */
            kh = kw = sh = sw = dh = dw = 1;
        if ((rnd() % 6u) == 0) /* K above 256: int32 partial sums flushed into int64 */
            ic = range(30, 45), kh = kw = 3, h = range(3, 4), w = range(3, 4), oc = range(1, 4);
        if (window_dims(padding, h, kh, sh, dh, &oh) || window_dims(padding, w, kw, sw, dw, &ow))
            continue;
        c.in_dims[0] = b, c.in_dims[1] = h, c.in_dims[2] = w, c.in_dims[3] = ic;
        c.w_dims[0] = oc, c.w_dims[1] = kh, c.w_dims[2] = kw, c.w_dims[3] = ic;
        c.out_dims[0] = b, c.out_dims[1] = oh, c.out_dims[2] = ow, c.out_dims[3] = oc;
        c.out_values = (uint32_t)(b * oh * ow * oc);
        if ((uint32_t)(b * h * w * ic) > MAX_VALUES || (uint32_t)(oc * kh * kw * ic) > MAX_VALUES ||
            c.out_values > MAX_VALUES)
            continue;
        common_quant(&c, oc);
        c.quant_dim = 0;
        int32_t opts[7] = {padding, sw, sh, act, dw, dh, (rnd() & 1u) ? HIL_INT32 : KFX_ABSENT};
        memcpy(c.options, opts, sizeof opts);
        fill(b * h * w * ic, oc * kh * kw * ic);
        compare(&c, "CONV_2D int16", i);
    }
}

static void test_depthwise(void)
{
    for (int i = 0; i < CASES; i++) {
        node_case c = {&hil_kernel_depthwise_conv_2d_i16, {0}, {0}, {0}, 4, 0, 0, 0, 0, 0, 0, 0, 0, {0}, 7, 0};
        int32_t b = range(1, 2), h = range(1, 8), w = range(1, 8), ic = range(1, 13);
        int32_t mult = (rnd() % 3u) ? 1 : range(1, 3);
        int32_t kh = range(1, 5), kw = range(1, 5), sh = range(1, 2), sw = range(1, 2);
        int32_t dh = (rnd() % 5u) ? 1 : 2, dw = (rnd() % 5u) ? 1 : 2, padding = (int32_t)(rnd() & 1u);
        int32_t act = range(0, 3), oh, ow, oc = ic * mult;
        if (window_dims(padding, h, kh, sh, dh, &oh) || window_dims(padding, w, kw, sw, dw, &ow))
            continue;
        c.in_dims[0] = b, c.in_dims[1] = h, c.in_dims[2] = w, c.in_dims[3] = ic;
        c.w_dims[0] = 1, c.w_dims[1] = kh, c.w_dims[2] = kw, c.w_dims[3] = oc;
        c.out_dims[0] = b, c.out_dims[1] = oh, c.out_dims[2] = ow, c.out_dims[3] = oc;
        c.out_values = (uint32_t)(b * oh * ow * oc);
        if (oc > 64 || (uint32_t)(b * h * w * ic) > MAX_VALUES || c.out_values > MAX_VALUES)
            continue;
        common_quant(&c, oc);
        if (c.bias_type == HIL_INT32) /* refused for depthwise (TFLM reads int64): both paths agree */
            c.bias_type = HIL_INT64;
        c.quant_dim = 3;
        int32_t opts[7] = {padding, sw, sh, mult, act, dw, dh};
        memcpy(c.options, opts, sizeof opts);
        fill(b * h * w * ic, kh * kw * oc);
        compare(&c, "DEPTHWISE_CONV_2D int16", i);
    }
}

static void test_fully_connected(void)
{
    for (int i = 0; i < CASES; i++) {
        node_case c = {&hil_kernel_fully_connected_i16, {0}, {0}, {0}, 2, 0, 0, 0, 0, 0, 0, 0, 0, {0}, 5, 0};
        int32_t batches = range(1, 3), depth = range(1, 70), units = range(1, 20);
        if ((rnd() % 5u) == 0) /* deep rows: chunked partial sums */
            depth = range(256, 700), units = range(1, 2);
        c.in_dims[0] = batches, c.in_dims[1] = depth;
        c.w_dims[0] = units, c.w_dims[1] = depth;
        c.out_dims[0] = batches, c.out_dims[1] = units;
        c.out_values = (uint32_t)(batches * units);
        if ((uint32_t)(units * depth) > MAX_VALUES || (uint32_t)(batches * depth) > MAX_VALUES)
            continue;
        common_quant(&c, units);
        if ((rnd() % 5u) == 0) /* offsets keep the reference path */
            c.in_zp = range(-100, 100), c.out_zp = range(-100, 100);
        c.quant_dim = 0;
        int32_t opts[5] = {range(0, 3), 0, 0, 0, (rnd() & 1u) ? HIL_INT32 : KFX_ABSENT};
        memcpy(c.options, opts, sizeof opts);
        fill(batches * depth, units * depth);
        compare(&c, "FULLY_CONNECTED int16", i);
    }
}

int main(void)
{
    hil_test_rng = 0x9E3779B97F4A7C15ull; /* this file's own sequence of cases */
    test_conv();
    test_depthwise();
    test_fully_connected();
    hil_opt_enabled = 1;
    fprintf(stderr, "%ld 16x8 cases compared, %ld through an optimized path (HIL_OPT_KERNELS=%d)\n", compared,
            optimized, HIL_OPT_KERNELS);
    CHECK(compared > CASES); /* most random cases are valid layers */
#if HIL_OPT_KERNELS
    CHECK(optimized > CASES / 2);
#endif
    TEST_MAIN_END();
}
