/* What CONV_2D and DEPTHWISE_CONV_2D share in both data types (kernels/conv_geometry.c): the
 * tensor checks, the options and the window geometry. The kernels keep only their arithmetic
 * (and int8's requantization and optimized paths). */
#ifndef HIL_CONV_GEOMETRY_H
#define HIL_CONV_GEOMETRY_H
#include <stdint.h>

#include "graph.h"

/* The geometry fields, listed once. A kernel's params embed them with HIL_CONV_GEOMETRY_MEMBER:
 * prepare fills p->geo, eval reads the same fields as p->in_h, p->stride_w, ... (the
 * struct_group idiom), so the kernels' loops read plain fields as before. */
#define HIL_CONV_GEOMETRY_FIELDS                                                                 \
    int32_t batches, in_h, in_w, in_c;                                                           \
    int32_t out_h, out_w, out_c;                                                                 \
    int32_t filter_h, filter_w;                                                                  \
    union {                                                                                      \
        struct { /* CONV_2D: input channels per group, filters per group */                      \
            int32_t filter_c, filters_per_group;                                                 \
        };                                                                                       \
        int32_t multiplier; /* DEPTHWISE_CONV_2D: output channels per input channel */           \
    };                                                                                           \
    int32_t stride_h, stride_w, dilation_h, dilation_w;                                          \
    int32_t pad_h, pad_w;

typedef struct {
    HIL_CONV_GEOMETRY_FIELDS
} hil_conv_geometry;

#define HIL_CONV_GEOMETRY_MEMBER                                                                 \
    union {                                                                                      \
        hil_conv_geometry geo;                                                                   \
        struct {                                                                                 \
            HIL_CONV_GEOMETRY_FIELDS                                                             \
        };                                                                                       \
    }

enum { HIL_CONV = 0, HIL_DEPTHWISE = 1 };

typedef struct {
    hil_tensor *input, *filter, *bias, *output; /* bias may be NULL */
} hil_conv_tensors;

/* Fetches and checks the node's tensors for element type `type` (HIL_INT8: int32 bias and
 * symmetric int8 weights, per-channel along the output channels; HIL_FLOAT32: float32
 * everywhere). `kind` is HIL_CONV or HIL_DEPTHWISE. Returns HIL_OK or a hil_reject status. */
int hil_conv_check(hil_graph *g, hil_node *node, int kind, int type, hil_conv_tensors *t);

/* Reads the options and fills `geo` and the fused activation (NONE, RELU, RELU6 or
 * RELU_N1_TO_1; others are refused); refuses shapes that disagree with the options. */
int hil_conv_geometry_read(hil_graph *g, hil_node *node, int kind, const hil_conv_tensors *t,
                           hil_conv_geometry *geo, int *activation);

/* int8 kernels: declares how far the output may overlap the input (alias.h), for a path whose
 * reads and writes interleave per pixel (group 0) or come in groups of `group` pixels. */
void hil_conv_allow_alias(hil_graph *g, hil_node *node, const hil_conv_geometry *geo, int group);

#endif
