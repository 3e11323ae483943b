/* SUB, float32, with NumPy-style broadcasting and a fused activation: TFLM's
 * reference_ops::SubWithActivation / BroadcastSubSlow, out = clamp(a - b). */
#include "binary.h"
#include "common_f32.h"

enum { SUB_OPT_ACTIVATION = 0 };

typedef struct {
    hil_broadcast bc; /* first: hil_binary_prepare fills it */
    float act_min, act_max;
} sub_f32_params;

static int sub_f32_prepare(hil_graph *g, hil_node *node)
{
    int status;
    sub_f32_params *p = hil_binary_prepare(g, node, HIL_FLOAT32, HIL_FLOAT32, sizeof *p,
                                           "float32 kernel: inputs and output must be float32", &status);
    if (!p)
        return status;
    if (!hil_f32_activation_range(hil_fb_i8(&g->fb, &node->options, SUB_OPT_ACTIVATION, 0), &p->act_min, &p->act_max))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "fused activation must be NONE, RELU, RELU6 or RELU_N1_TO_1");
    node->params = p;
    return HIL_OK;
}

static void sub_f32_row(const void *params, const void *in1, int32_t step1, const void *in2, int32_t step2,
                        void *out, int32_t n)
{
    const sub_f32_params *p = params;
    const float *a = in1, *b = in2;
    float *o = out;
    for (int32_t i = 0; i < n; i++, a += step1, b += step2)
        o[i] = hil_f32_clamp(*a - *b, p->act_min, p->act_max);
}

static int sub_f32_eval(hil_graph *g, hil_node *node) { return hil_binary_eval(g, node, sub_f32_row); }

const hil_kernel hil_kernel_sub_f32 = {41, "SUB", sub_f32_prepare, sub_f32_eval};
