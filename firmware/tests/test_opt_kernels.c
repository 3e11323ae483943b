/* The optimized paths (DSP, or Helium in the HIL_MVE_EMULATION build) of CONV_2D, DEPTHWISE_CONV_2D
 * and FULLY_CONNECTED against their reference
 * paths, bit for bit, on thousands of random small cases: shapes with channel counts that are
 * and are not multiples of four, odd pixel counts, kernel sizes 1-5, strides, dilations, SAME
 * and VALID padding, batches, per-tensor and per-channel scales (multipliers from tiny to above
 * one, so both output stages run), every fused activation, zero points across int8, and
 * weights at the int8 extremes. The same prepare/eval runs twice, once with hil_opt_enabled = 0
 * (the reference loops, themselves checked against TFLM by the Python tests). A build with
 * HIL_REFERENCE_KERNELS has no optimized paths: the comparison is then trivially equal and the
 * path counters show it. */
#include "hil_test.h"
#include "kernel_fixture.h"
#include "padding.h"
#include "mve.h"
#include "quant.h"
#include "simd.h"

extern const hil_kernel hil_kernel_conv_2d, hil_kernel_depthwise_conv_2d, hil_kernel_fully_connected, hil_kernel_add;

enum { CASES = 3000, MAX_BYTES = 4096 };

/* Scales spread over powers of two so requantization multipliers range from ~2^-20 to ~2. */
static float scale(void) { return (float)(0.5 + (rnd() % 1000u) / 1000.0) * (float)(1.0 / (double)(1u << range(0, 12))); }

static void fill(int8_t *v, int n)
{
    int extremes = (int)(rnd() % 4u) == 0; /* sometimes only -128 / 127: the widest sums */
    for (int i = 0; i < n; i++)
        v[i] = extremes ? (int8_t)((rnd() & 1u) ? 127 : -128) : (int8_t)rnd();
}

typedef struct {
    int8_t input[MAX_BYTES], weights[MAX_BYTES];
    int32_t bias[64];
    float scales[64];
    int8_t out_opt[MAX_BYTES], out_ref[MAX_BYTES];
} case_data;

static case_data d;
static kfx fx;
static long compared, scratch_used, folded;

/* A layer whose idle channels were folded so that it takes the fast stage (gemm_dsp.h). */
static int requant_folded(const hil_requant *rq)
{
    for (uint32_t c = 0; rq->right_shift && c < rq->channels; c++)
        if (rq->multiplier[c] == 0)
            return 1;
    return 0;
}

/* Builds the node described by the tensors below in the fixture and runs it; returns the
 * prepare status (the case is skipped when the reference refuses it too). */
typedef struct {
    const hil_kernel *kernel;
    int32_t in_dims[4], w_dims[4], out_dims[4];
    int in_ndim, w_ndim, out_ndim;
    int32_t n_bias, n_scales, quant_dim;
    float in_scale, out_scale;
    int32_t in_zp, out_zp, w_zp;
    int32_t options[7];
    unsigned n_options;
    uint32_t out_bytes;
} node_case;

static int run(const node_case *c, int opt, int8_t *out)
{
    hil_opt_enabled = opt;
    kfx_init(&fx, c->kernel);
    kfx_tensor(&fx, 0, HIL_INT8, c->in_ndim, c->in_dims, c->in_scale, c->in_zp, d.input, 0);
    hil_tensor *w = kfx_tensor(&fx, 1, HIL_INT8, c->w_ndim, c->w_dims, d.scales[0], c->w_zp, d.weights, 1);
    if (c->n_scales > 1)
        kfx_per_channel(&fx, w, d.scales, (uint32_t)c->n_scales, c->quant_dim);
    kfx_tensor(&fx, 2, HIL_INT32, 1, (const int32_t[]){c->n_bias}, 0.0f, 0, d.bias, 1);
    kfx_tensor(&fx, 3, HIL_INT8, c->out_ndim, c->out_dims, c->out_scale, c->out_zp, out, 0);
    kfx_io(&fx, (const int32_t[]){0, 1, 2}, 3, (const int32_t[]){3}, 1);
    kfx_options(&fx, c->options, c->n_options);
    memset(out, 0x5A, c->out_bytes);
    int status = kfx_prepare(&fx);
    if (status != HIL_OK)
        return status;
    if (opt && fx.node.scratch)
        scratch_used++;
    if (opt && c->kernel != &hil_kernel_fully_connected) /* conv params start with their requant */
        folded += requant_folded((const hil_requant *)fx.node.params);
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
    for (uint32_t i = 0; i < c->out_bytes; i++) {
        if (d.out_opt[i] != d.out_ref[i]) {
            fprintf(stderr, "%s case %d: byte %u optimized %d, reference %d\n", what, index, i, d.out_opt[i],
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

static void common_quant(node_case *c, int32_t channels, int per_channel_ok)
{
    c->in_scale = scale();
    c->out_scale = scale();
    c->in_zp = range(-128, 127);
    c->out_zp = range(-128, 127);
    c->w_zp = 0;
    c->n_scales = per_channel_ok && (rnd() & 1u) ? channels : 1;
    int pruned = (rnd() % 3u) == 0; /* some channels' scales below 2^-23 of the rest (shift < -23) */
    if (pruned)
        c->out_scale = 4.0f * c->in_scale; /* the other channels' multipliers below 1 */
    for (int i = 0; i < 64; i++) {
        d.scales[i] = scale();
        d.bias[i] = (int32_t)rnd() % 20000;
        if (pruned && (rnd() & 1u)) {
            d.scales[i] *= (float)(1.0 / (double)(1u << range(24, 30)));
            if ((rnd() % 16u) == 0) /* a bias that moves the output after all: the fold must refuse */
                d.bias[i] = (int32_t)(rnd() % 2u ? 1 : -1) * (int32_t)(rnd() & 0x3FFFFFFFu);
        }
    }
}

static void test_conv(void)
{
    for (int i = 0; i < CASES; i++) {
        node_case c = {&hil_kernel_conv_2d, {0}, {0}, {0}, 4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, {0}, 6, 0};
        int32_t b = range(1, 2), h = range(1, 7), w = range(1, 7), ic = range(1, 12), oc = range(1, 12);
        int32_t kh = range(1, 3), kw = range(1, 3), sh = range(1, 2), sw = range(1, 2);
        int32_t dh = (rnd() % 4u) ? 1 : 2, dw = (rnd() % 4u) ? 1 : 2, padding = (int32_t)(rnd() & 1u);
        int32_t act = range(0, 3), oh, ow;
        if ((rnd() % 3u) == 0) /* many pointwise layers */
            kh = kw = sh = sw = dh = dw = 1;
        if (window_dims(padding, h, kh, sh, dh, &oh) || window_dims(padding, w, kw, sw, dw, &ow))
            continue;
        c.in_dims[0] = b, c.in_dims[1] = h, c.in_dims[2] = w, c.in_dims[3] = ic;
        c.w_dims[0] = oc, c.w_dims[1] = kh, c.w_dims[2] = kw, c.w_dims[3] = ic;
        c.out_dims[0] = b, c.out_dims[1] = oh, c.out_dims[2] = ow, c.out_dims[3] = oc;
        c.out_bytes = (uint32_t)(b * oh * ow * oc);
        if ((uint32_t)(b * h * w * ic) > MAX_BYTES || (uint32_t)(oc * kh * kw * ic) > MAX_BYTES || c.out_bytes > MAX_BYTES)
            continue;
        common_quant(&c, oc, 1);
        c.n_bias = oc;
        c.quant_dim = 0;
        int32_t opts[6] = {padding, sw, sh, act, dw, dh};
        memcpy(c.options, opts, sizeof opts);
        fill(d.input, b * h * w * ic);
        fill(d.weights, oc * kh * kw * ic);
        compare(&c, "CONV_2D", i);
    }
}

static void test_depthwise(void)
{
    for (int i = 0; i < CASES; i++) {
        node_case c = {&hil_kernel_depthwise_conv_2d, {0}, {0}, {0}, 4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, {0}, 7, 0};
        int32_t b = range(1, 2), h = range(1, 8), w = range(1, 8), ic = range(1, 13);
        int32_t mult = (rnd() % 3u) ? 1 : range(1, 4);
        if ((rnd() % 4u) == 0) /* one input channel: the matrix-multiply path */
            ic = 1, mult = range(1, 10);
        int32_t kh = range(1, 3), kw = range(1, 3), sh = range(1, 2), sw = range(1, 2);
        if ((rnd() % 2u) == 0)
            kh = kw = 3;
        else if ((rnd() % 4u) == 0)
            kh = range(4, 5), kw = range(1, 5);
        int32_t dh = (rnd() % 5u) ? 1 : 2, dw = (rnd() % 5u) ? 1 : 2, padding = (int32_t)(rnd() & 1u);
        int32_t act = range(0, 3), oh, ow, oc = ic * mult;
        if (window_dims(padding, h, kh, sh, dh, &oh) || window_dims(padding, w, kw, sw, dw, &ow))
            continue;
        c.in_dims[0] = b, c.in_dims[1] = h, c.in_dims[2] = w, c.in_dims[3] = ic;
        c.w_dims[0] = 1, c.w_dims[1] = kh, c.w_dims[2] = kw, c.w_dims[3] = oc;
        c.out_dims[0] = b, c.out_dims[1] = oh, c.out_dims[2] = ow, c.out_dims[3] = oc;
        c.out_bytes = (uint32_t)(b * oh * ow * oc);
        if (oc > 64 || (uint32_t)(b * h * w * ic) > MAX_BYTES || c.out_bytes > MAX_BYTES)
            continue;
        common_quant(&c, oc, 1);
        c.n_bias = oc;
        c.quant_dim = 3;
        int32_t opts[7] = {padding, sw, sh, mult, act, dw, dh};
        memcpy(c.options, opts, sizeof opts);
        fill(d.input, b * h * w * ic);
        fill(d.weights, kh * kw * oc);
        compare(&c, "DEPTHWISE_CONV_2D", i);
    }
}

static void test_fully_connected(void)
{
    for (int i = 0; i < CASES; i++) {
        node_case c = {&hil_kernel_fully_connected, {0}, {0}, {0}, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, {0}, 2, 0};
        int32_t batches = range(1, 3), depth = range(1, 70), units = range(1, 20);
        c.in_dims[0] = batches, c.in_dims[1] = depth;
        c.w_dims[0] = units, c.w_dims[1] = depth;
        c.out_dims[0] = batches, c.out_dims[1] = units;
        c.out_bytes = (uint32_t)(batches * units);
        if ((uint32_t)(units * depth) > MAX_BYTES)
            continue;
        common_quant(&c, units, 1);
        if ((rnd() % 5u) == 0)
            c.w_zp = range(-20, 20); /* asymmetric weights keep the reference path */
        c.n_bias = units;
        c.quant_dim = 0;
        c.options[0] = range(0, 3); /* fused activation */
        c.options[1] = 0;           /* default weights format */
        fill(d.input, batches * depth);
        fill(d.weights, units * depth);
        compare(&c, "FULLY_CONNECTED", i);
    }
}

/* ADD (the Helium path of a row, add_mve.c; no DSP path): same shapes or one side broadcast
 * along the last axis or as a single value, lengths with and without a partial last vector. */
static int run_add(const int32_t dims[2][2], float s1, float s2, float so, int32_t zp[3], int32_t act, int opt,
                   int8_t *out)
{
    hil_opt_enabled = opt;
    kfx_init(&fx, &hil_kernel_add);
    kfx_tensor(&fx, 0, HIL_INT8, 2, dims[0], s1, zp[0], d.input, 0);
    kfx_tensor(&fx, 1, HIL_INT8, 2, dims[1], s2, zp[1], d.weights, 0);
    int32_t out_dims[2] = {dims[0][0] > dims[1][0] ? dims[0][0] : dims[1][0],
                           dims[0][1] > dims[1][1] ? dims[0][1] : dims[1][1]};
    kfx_tensor(&fx, 2, HIL_INT8, 2, out_dims, so, zp[2], out, 0);
    kfx_io(&fx, (const int32_t[]){0, 1}, 2, (const int32_t[]){2}, 1);
    kfx_options(&fx, &act, 1);
    memset(out, 0x5A, MAX_BYTES);
    int status = kfx_prepare(&fx);
    return status == HIL_OK ? kfx_eval(&fx) : status;
}

static void test_add(void)
{
    for (int i = 0; i < CASES / 3; i++) {
        int32_t rows = range(1, 9), cols = range(1, 40), dims[2][2] = {{rows, cols}, {rows, cols}};
        int kind = (int)(rnd() % 4u); /* 0, 1: same shape; 2: second input one row; 3: one value */
        if (kind == 2)
            dims[1][0] = 1;
        else if (kind == 3)
            dims[1][0] = dims[1][1] = 1;
        int32_t zp[3] = {range(-128, 127), range(-128, 127), range(-128, 127)}, act = range(0, 3);
        float s1 = scale(), s2 = scale(), so = scale();
        fill(d.input, rows * cols);
        fill(d.weights, dims[1][0] * dims[1][1]);
        int ref = run_add(dims, s1, s2, so, zp, act, 0, d.out_ref);
        int opt = run_add(dims, s1, s2, so, zp, act, 1, d.out_opt);
        CHECK_EQ_INT(opt, ref);
        if (ref != HIL_OK)
            continue;
        compared++;
        if (memcmp(d.out_opt, d.out_ref, (size_t)(rows * cols)) != 0) {
            fprintf(stderr, "ADD case %d (%dx%d, kind %d) differs\n", i, rows, cols, kind);
            hil_test_failures++;
        }
    }
}

int main(void)
{
    hil_test_rng = 0x2545F4914F6CDD1Dull;
    test_conv();
    test_depthwise();
    test_fully_connected();
    test_add();
    hil_opt_enabled = 1;
    fprintf(stderr, "%ld cases compared, %ld with an optimized path's scratch, %ld with idle channels folded "
            "(HIL_OPT_KERNELS=%d)\n", compared, scratch_used, folded, HIL_OPT_KERNELS);
    CHECK(compared > CASES); /* most random cases are valid layers */
#if HIL_OPT_KERNELS
    CHECK(scratch_used > CASES / 2); /* and the optimized paths actually ran */
    CHECK(folded > 30 || HIL_MVE_KERNELS); /* and the fold of idle channels did (Helium depthwise: none) */
#endif
#if HIL_MVE_KERNELS && !defined(__ARM_FEATURE_MVE) /* counted in the emulation only */
    fprintf(stderr, "%ld evaluations by an MVE path (emulated)\n", hil_mve_evals);
    CHECK(hil_mve_evals > CASES / 2); /* the Helium paths ran where they apply */
#endif
    TEST_MAIN_END();
}
