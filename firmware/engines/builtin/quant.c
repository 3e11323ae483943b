#include "quant.h"

#include <math.h>

#include "hil_protocol.h"

void hil_quantize_multiplier(double real_multiplier, int32_t *multiplier, int *shift)
{
    if (real_multiplier == 0.0 || isnan(real_multiplier)) {
        *multiplier = 0;
        *shift = 0;
        return;
    }
    if (isinf(real_multiplier)) { /* a tensor without quantization (scale 0) in a divisor */
        *multiplier = INT32_MAX;
        *shift = 31;
        return;
    }
    double q = frexp(real_multiplier, shift);
    int64_t q_fixed = (int64_t)round(q * (double)(1ll << 31));
    if (q_fixed == (1ll << 31)) {
        q_fixed /= 2;
        ++*shift;
    }
    if (*shift < -31) {
        *shift = 0;
        q_fixed = 0;
    }
    if (*shift > 31) {
        /* Only a malformed model gets here (a scale ratio of 2^31 or more; softmax caps its own
         * at 2^31 - 1): a 32-bit left shift by 32 or more is undefined, so saturate. */
        *shift = 31;
        q_fixed = INT32_MAX;
    }
    *multiplier = (int32_t)q_fixed;
}

int hil_quantize_multiplier_below_one(double real, int32_t *multiplier, int *shift)
{
    if (!(real > 0.0 && real < 1.0))
        return 0;
    hil_quantize_multiplier(real, multiplier, shift);
    return *shift <= 0;
}

static int32_t quantize_bound(const hil_tensor *output, float value)
{
    /* Clamped before the conversion: an unquantized output (scale 0) gives inf or NaN here, and
     * converting those to int32 is undefined. Valid models never come near the bounds. */
    float q = roundf(value / output->scale);
    q = q > -1e9f ? (q < 1e9f ? q : 1e9f) : -1e9f;
    return output->zero_point + (int32_t)q;
}

void hil_activation_range(const hil_tensor *output, int activation, int32_t *act_min, int32_t *act_max)
{
    int32_t qmin = output->type == HIL_INT16 ? INT16_MIN : INT8_MIN;
    int32_t qmax = output->type == HIL_INT16 ? INT16_MAX : INT8_MAX;
    *act_min = qmin;
    *act_max = qmax;
    if (activation == HIL_ACT_RELU) {
        *act_min = hil_clamp(quantize_bound(output, 0.0f), qmin, qmax);
    } else if (activation == HIL_ACT_RELU6) {
        *act_min = hil_clamp(quantize_bound(output, 0.0f), qmin, qmax);
        *act_max = hil_clamp(quantize_bound(output, 6.0f), qmin, qmax);
    } else if (activation == HIL_ACT_RELU_N1_TO_1) {
        *act_min = hil_clamp(quantize_bound(output, -1.0f), qmin, qmax);
        *act_max = hil_clamp(quantize_bound(output, 1.0f), qmin, qmax);
    }
}

#ifdef HIL_TEST_BREAK_ROUNDING
#define RIGHT_SHIFT_OK 0 /* the test-only defect lives in hil_rounding_divide_by_pot */
#else
#define RIGHT_SHIFT_OK 1
#endif

/* Inlined into both callers: the conv kernels' hil_requant_prepare stays one function. */
static inline __attribute__((always_inline)) void set_channel(hil_requant *out, uint32_t c, double real)
{
    int shift;
    hil_quantize_multiplier(real, &out->multiplier[c], &shift);
    out->shift[c] = (int8_t)shift; /* hil_quantize_multiplier keeps it within [-31, 31] */
    if (out->multiplier[c] < 0 || shift > -1 || shift < -23)
        out->right_shift = 0;
}

int hil_requant_prepare(hil_graph *g, hil_node *node, const hil_tensor *input, const hil_tensor *filter,
                        const hil_tensor *output, uint32_t channels, hil_requant *out)
{
    uint32_t n = filter->scales.len > 1 ? filter->scales.len : 1;
    if (n != 1 && n != channels)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "filter scales do not match the output channels");
    out->channels = n;
    out->right_shift = RIGHT_SHIFT_OK;
    out->idle = 0;
    out->multiplier = hil_persistent_alloc(g, sizeof(int32_t) * n);
    out->shift = hil_persistent_alloc(g, sizeof(int8_t) * n);
    if (!out->multiplier || !out->shift)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena too small for requantization data");
    for (uint32_t c = 0; c < n; c++) {
        float filter_scale = n > 1 ? hil_fb_vec_f32(&g->fb, filter->scales, c) : filter->scale;
        set_channel(out, c, (double)input->scale * (double)filter_scale / (double)output->scale);
    }
    return HIL_OK;
}

int hil_requant_prepare_fc(hil_graph *g, hil_node *node, const hil_tensor *input, const hil_tensor *filter,
                           const hil_tensor *output, uint32_t channels, hil_requant *out)
{
    int status = hil_requant_prepare(g, node, input, filter, output, channels, out);
    if (status == HIL_OK && out->channels == 1) {
        out->right_shift = RIGHT_SHIFT_OK;
        set_channel(out, 0, (double)(input->scale * filter->scale) / (double)output->scale);
    }
    return status;
}
