/* FULLY_CONNECTED, int8 and float32, share their tensor checks and shapes: constant 2-D weights
 * [units, depth] in the default format, batches = input elements / depth. Header-only (static
 * inline): a kernel compiles only its own type's branches. */
#ifndef HIL_FULLY_CONNECTED_H
#define HIL_FULLY_CONNECTED_H
#include <stdint.h>

#include "common_f32.h"
#include "graph.h"
#include "hil_protocol.h"
#include "quant.h"
#include "simd.h"

enum { HIL_FC_OPT_ACTIVATION = 0, HIL_FC_OPT_WEIGHTS_FORMAT = 1, HIL_FC_OPT_QUANTIZED_BIAS_TYPE = 4 }; /* FullyConnectedOptions */

/* Element type `type` (HIL_INT8 with int32 bias, HIL_INT16 with int8 weights and an int64 or
 * int32 bias, or HIL_FLOAT32 everywhere). */
static inline int hil_fc_check(hil_graph *g, hil_node *node, int type, const hil_tensor *input,
                               const hil_tensor *filter, const hil_tensor *bias, const hil_tensor *output)
{
    if (!input || !filter || !output)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs an input, a filter and an output");
    if (type == HIL_FLOAT32 &&
        (!hil_f32_all(input, output) || filter->type != HIL_FLOAT32 || (bias && bias->type != HIL_FLOAT32)))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "float32 kernel: input, weights, bias and output must be float32");
    if (type == HIL_INT8 && (input->type != HIL_INT8 || filter->type != HIL_INT8 || output->type != HIL_INT8))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "only int8 input, weights and output are supported");
    if (type == HIL_INT8 && bias && bias->type != HIL_INT32)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "bias must be int32");
    if (type == HIL_INT16 && (input->type != HIL_INT16 || filter->type != HIL_INT8 || output->type != HIL_INT16))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "int16 kernel: input and output must be int16, weights int8");
    if (type == HIL_INT16 && bias && bias->type != HIL_INT64 && bias->type != HIL_INT32)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "bias must be int64 or int32");
    if (!filter->is_const || filter->ndim != 2)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "weights must be a constant 2-D tensor");
    if (hil_fb_i8(&g->fb, &node->options, HIL_FC_OPT_WEIGHTS_FORMAT, 0) != 0)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "shuffled weights formats are not supported");
    return HIL_OK;
}

/* Fills batches, depth and units; returns -1 when the shapes disagree. The products are 64-bit:
 * in 32 bits, batches x units could wrap to the output's element count and eval would write far
 * past the output tensor. */
static inline int hil_fc_shape(const hil_tensor *input, const hil_tensor *filter, const hil_tensor *bias,
                               const hil_tensor *output, uint32_t *batches, uint32_t *depth, uint32_t *units)
{
    *units = (uint32_t)filter->dims[0];
    *depth = (uint32_t)filter->dims[1];
    *batches = *depth ? hil_num_elements(input) / *depth : 0;
    if (*depth == 0 || (uint64_t)*batches * *depth != hil_num_elements(input) ||
        (uint64_t)*batches * *units != hil_num_elements(output) || (bias && hil_num_elements(bias) != *units))
        return -1;
    return 0;
}

/* The int8 kernel's parameters, shared by its reference arithmetic (fully_connected.c) and its
 * optimized path (fully_connected_dsp.c). */
typedef struct {
    hil_requant requant;
    int32_t input_offset, filter_offset, output_offset;
    int32_t act_min, act_max;
    uint32_t batches, depth, units;
    uint8_t optimized; /* fully_connected_dsp.c (or _mve.c with HIL_MVE_KERNELS) applies (symmetric weights) */
} fc_params;

/* The Helium path (fully_connected_mve.c). */
int hil_fc_mve_eval(hil_graph *g, hil_node *node);

#endif
