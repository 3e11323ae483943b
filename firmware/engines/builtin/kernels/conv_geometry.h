/* What CONV_2D and DEPTHWISE_CONV_2D share in both data types (kernels/conv_geometry.c): the
 * tensor checks, the options and the window geometry. The kernels keep only their arithmetic
 * (and int8's requantization and optimized paths). */
#ifndef HIL_CONV_GEOMETRY_H
#define HIL_CONV_GEOMETRY_H
#include <stdint.h>

#include "alias.h"
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

/* The element types one kernel accepts. One function per kernel type, so that a firmware links
 * only the checks of the kernels its model uses (--gc-sections). */
typedef int (*hil_conv_types_fn)(hil_graph *g, hil_node *node, int kind, const hil_conv_tensors *t);
int hil_conv_types_s8(hil_graph *g, hil_node *node, int kind, const hil_conv_tensors *t);  /* int8, int32 bias */
int hil_conv_types_s16(hil_graph *g, hil_node *node, int kind, const hil_conv_tensors *t); /* 16x8 */
int hil_conv_types_f32(hil_graph *g, hil_node *node, int kind, const hil_conv_tensors *t);

/* Integer kernels' weight check: symmetric (zero point 0), per-tensor or per output channel
 * (dimension 0, depthwise 3). */
typedef int (*hil_conv_weights_fn)(hil_graph *g, hil_node *node, int kind, const hil_tensor *filter);
int hil_conv_check_weights(hil_graph *g, hil_node *node, int kind, const hil_tensor *filter);

/* Fetches the node's tensors and checks them: element types (`types`), 4-D shapes, constant
 * weights, then `weights` (NULL for float). `kind` is HIL_CONV or HIL_DEPTHWISE. Returns HIL_OK
 * or a hil_reject status. */
int hil_conv_check(hil_graph *g, hil_node *node, int kind, hil_conv_types_fn types, hil_conv_weights_fn weights,
                   hil_conv_tensors *t);

/* Reads the options and fills `geo` and the fused activation (NONE, RELU, RELU6 or
 * RELU_N1_TO_1; others are refused); refuses shapes that disagree with the options. */
int hil_conv_geometry_read(hil_graph *g, hil_node *node, int kind, const hil_conv_tensors *t,
                           hil_conv_geometry *geo, int *activation);

/* The window geometry of alias.h for elements of `elem` bytes. */
static inline hil_window_geometry hil_conv_window(const hil_conv_geometry *w, int32_t elem)
{
    const hil_window_geometry a = {w->batches, w->in_h, w->in_w, w->in_c * elem, w->out_h, w->out_w, w->out_c * elem,
                                   w->filter_h, w->filter_w, w->stride_h, w->stride_w, w->dilation_h,
                                   w->dilation_w, w->pad_h, w->pad_w};
    return a;
}

/* Integer kernels: declares how far the output may overlap the input (alias.h), for a path whose
 * reads and writes interleave per pixel (group 0) or come in groups of `group` pixels; int8
 * (conv_geometry.c) and int16 (conv_geometry_s16.c: a file of its own, so that the int8 one
 * compiles as it did before int16 existed). */
void hil_conv_allow_alias(hil_graph *g, hil_node *node, const hil_conv_geometry *geo, int group);
void hil_conv_allow_alias_s16(hil_graph *g, hil_node *node, const hil_conv_geometry *geo, int group);

#endif
