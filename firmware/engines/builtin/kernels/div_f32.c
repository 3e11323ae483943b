/* DIV, float32, with broadcasting and a fused activation: TFLM's reference_ops::Div /
 * BroadcastDivSlow, out = clamp(a / b). */
#include "binary.h"
#include "common_f32.h"

enum { DIV_OPT_ACTIVATION = 0 };

typedef struct {
    hil_broadcast bc; /* first: hil_binary_prepare fills it */
    float act_min, act_max;
} div_f32_params;

static int div_f32_prepare(hil_graph *g, hil_node *node)
{
    int status;
    div_f32_params *p = hil_binary_prepare(g, node, HIL_FLOAT32, HIL_FLOAT32, sizeof *p,
                                           hil_binary_type_message(HIL_FLOAT32), &status);
    if (!p)
        return status;
    if (!hil_f32_activation_range(hil_fb_i8(&g->fb, &node->options, DIV_OPT_ACTIVATION, 0), &p->act_min, &p->act_max))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "fused activation must be NONE, RELU, RELU6 or RELU_N1_TO_1");
    node->params = p;
    return HIL_OK;
}

static void div_f32_row(const void *params, const void *in1, int32_t step1, const void *in2, int32_t step2,
                        void *out, int32_t n)
{
    const div_f32_params *p = params;
    const float *a = in1, *b = in2;
    float *o = out;
    for (int32_t i = 0; i < n; i++, a += step1, b += step2)
        o[i] = hil_f32_clamp(*a / *b, p->act_min, p->act_max);
}

static int div_f32_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, div_f32_row); }

const hil_kernel hil_kernel_div_f32 = {42, "DIV", div_f32_prepare, div_f32_eval};
