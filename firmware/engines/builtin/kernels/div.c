/* DIV, int8, with broadcasting and a fused activation: TFLM's reference_ops::DivElementwise and
 * BroadcastDivSlowQuantized. The offset divisor's reciprocal comes from GetReciprocal (Q0 after
 * normalising, with its shift), the offset dividend is normalised by its leading sign bits, their
 * rounding doubling product is rescaled by input1_scale / (input2_scale * output_scale) with the
 * three shifts added up. The ratio is formed in double, as the tflite-micro wheel does (TFLM
 * 90b983c2's sources form it in single precision: the multipliers then differ in their low bits,
 * which moves quotients that land on a rounding tie; tests/test_kernels_math_native.py).
 * Where that total right shift exceeds 31 bits (a small dividend over a large divisor at scale
 * ratios below 64) TFLM shifts an int32 by 32 or more, which C leaves undefined: the wheel's x86
 * build returns saturated values there, an Arm build others. The engine returns the exact
 * rounding of the quotient, 0, so models are bit-exact with TFLM wherever its arithmetic is
 * defined. A divisor equal to its zero point (TFLM divides by zero) gives the saturated sign of
 * the dividend. */
#include "binary.h"
#include "fixedpoint.h"

enum { DIV_OPT_ACTIVATION = 0 };
#define DIV_MAX_OUTPUT_SHIFT 23 /* the smallest dividend headroom: beyond it TFLM's shift turns left */

typedef struct {
    hil_broadcast bc; /* first: hil_binary_prepare fills it */
    int32_t input1_offset, input2_offset, output_offset;
    int32_t output_multiplier;
    int output_shift;
    int32_t act_min, act_max;
} div_params;

static int div_prepare(hil_graph *g, hil_node *node)
{
    int status;
    div_params *p = hil_binary_prepare(g, node, HIL_INT8, HIL_INT8, sizeof *p, hil_binary_type_message(HIL_INT8),
                                       &status);
    if (!p)
        return status;
    hil_tensor *in1 = hil_node_input(g, node, 0), *in2 = hil_node_input(g, node, 1);
    hil_tensor *out = hil_node_output(g, node, 0);
    if (!hil_is_quantized(in1) || !hil_is_quantized(in2) || !hil_is_quantized(out))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED,
                          "int8 inputs and output need quantization (TFLM would rescale by 0 / 0)");
    double ratio = (double)in1->scale / ((double)in2->scale * (double)out->scale);
    hil_quantize_multiplier(ratio, &p->output_multiplier, &p->output_shift);
    if (p->output_shift > DIV_MAX_OUTPUT_SHIFT)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED,
                          "scale ratio input1 / (input2 * output) of 2^23 or more, beyond TFLM's int8 division");
    p->input1_offset = -in1->zero_point;
    p->input2_offset = -in2->zero_point;
    p->output_offset = out->zero_point;
    hil_activation_range(out, hil_fb_i8(&g->fb, &node->options, DIV_OPT_ACTIVATION, 0), &p->act_min, &p->act_max);
    node->params = p;
    return HIL_OK;
}

static int32_t div_element(const div_params *p, int32_t a, int32_t b)
{
    int32_t x = p->input1_offset + a, y = p->input2_offset + b;
    if (y == 0)
        return x == 0 ? hil_clamp(p->output_offset, p->act_min, p->act_max) : (x > 0 ? p->act_max : p->act_min);
    if (y < 0) { /* the reciprocal must be positive to serve as a multiplier */
        x = -x;
        y = -y;
    }
    int recip_shift;
    int32_t recip = hil_get_reciprocal(y, 31, &recip_shift);
    int headroom = hil_clrsb32(x);
    int32_t quotient = hil_multiply_by_quantized_multiplier_gt_one(x, recip, headroom);
    int right_shift = recip_shift + headroom - p->output_shift; /* >= 0: DIV_MAX_OUTPUT_SHIFT */
    int32_t scaled = hil_sat_rounding_doubling_high_mul(quotient, p->output_multiplier);
    scaled = right_shift > 31 ? 0 : hil_rounding_divide_by_pot(scaled, right_shift);
    return hil_clamp(p->output_offset + scaled, p->act_min, p->act_max);
}

HIL_BINARY_ROW(div, int8_t, int8_t, div_element(params, x, y))

static int div_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, div_row); }

const hil_kernel hil_kernel_div = {42, "DIV", div_prepare, div_eval};
