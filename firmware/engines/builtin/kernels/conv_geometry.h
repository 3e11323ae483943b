/* What CONV_2D and DEPTHWISE_CONV_2D share in both data types (kernels/conv_geometry.c): the
 * tensor checks, the options and the window geometry. The kernels keep only their arithmetic
 * (and int8's requantization and optimized paths). */
#ifndef HIL_CONV_GEOMETRY_H
#define HIL_CONV_GEOMETRY_H
#include <stdint.h>

#include <stddef.h>

#include "alias.h"
#include "graph.h"
#include "padding.h"

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

/* What one kernel accepts: CONV_2D or DEPTHWISE_CONV_2D, its element types, its weight check
 * (NULL for float). */
typedef struct {
    int kind;
    hil_conv_types_fn types;
    hil_conv_weights_fn weights;
} hil_conv_spec;

/* The start of every convolution's prepare: checks the tensors (hil_conv_check), allocates the
 * kernel's `size` bytes of parameters, whose hil_conv_geometry sits at `geo_offset`, and reads
 * the geometry and the fused activation into them. Returns the parameters, or NULL with *status
 * set to the refusal. */
void *hil_conv_params_new(hil_graph *g, hil_node *node, const hil_conv_spec *spec, size_t size, size_t geo_offset,
                          hil_conv_tensors *t, int *activation, int *status);

/* The node's tensor data at eval (bias NULL when the node has none). */
typedef struct {
    const void *input, *filter, *bias;
    void *output;
} hil_conv_data;

static inline hil_conv_data hil_conv_data_of(hil_graph *g, const hil_node *node)
{
    const hil_tensor *bias = hil_node_input(g, node, 2);
    const hil_conv_data d = {hil_node_input(g, node, 0)->data, hil_node_input(g, node, 1)->data,
                             bias ? bias->data : 0, hil_node_output(g, node, 0)->data};
    return d;
}

/* One output pixel, visited in the reference loops' order (batch, row, column): where its window
 * starts in the input and the taps [fy0, fy1) x [fx0, fx1) that lie inside the image. */
typedef struct {
    int32_t batch, oy, ox;
    int32_t in_y0, in_x0, fy0, fy1, fx0, fx1;
} hil_conv_pixel;

static inline void hil_conv_pixel_row(const hil_conv_geometry *w, hil_conv_pixel *px)
{
    px->in_y0 = px->oy * w->stride_h - w->pad_h;
    hil_window_taps(px->in_y0, w->in_h, w->filter_h, w->dilation_h, &px->fy0, &px->fy1);
}

static inline void hil_conv_pixel_column(const hil_conv_geometry *w, hil_conv_pixel *px)
{
    px->in_x0 = px->ox * w->stride_w - w->pad_w;
    hil_window_taps(px->in_x0, w->in_w, w->filter_w, w->dilation_w, &px->fx0, &px->fx1);
}

/* The first output pixel; loop while px.batch < batches. */
static inline hil_conv_pixel hil_conv_first_pixel(const hil_conv_geometry *w)
{
    hil_conv_pixel px = {0, 0, 0, 0, 0, 0, 0, 0, 0};
    hil_conv_pixel_row(w, &px);
    hil_conv_pixel_column(w, &px);
    return px;
}

/* The next output pixel (past the last one, batch reaches w->batches). */
static inline void hil_conv_next_pixel(const hil_conv_geometry *w, hil_conv_pixel *px)
{
    if (++px->ox == w->out_w) {
        px->ox = 0;
        if (++px->oy == w->out_h) {
            px->oy = 0;
            px->batch++;
        }
        hil_conv_pixel_row(w, px);
    }
    hil_conv_pixel_column(w, px);
}

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
