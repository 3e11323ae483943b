/* DETECTION_POSTPROCESS (custom operator "TFLite_Detection_PostProcess"), float32: the SSD
 * post-processing of TFLM's detection_postprocess.cc, written from its definition.
 *
 * Inputs: box encodings [1, boxes, >= 4] (y, x, h, w per box), class scores [1, boxes, classes
 * (+ 1 background)], anchors [boxes, 4] (y, x, h, w). Outputs: boxes [1, max, 4] (ymin, xmin,
 * ymax, xmax), classes [1, max], scores [1, max], count [1], all float32. Options: a flexbuffer
 * map (flexbuffer.h) with TFLM's keys and defaults.
 *
 * As TFLM: boxes decoded in double (exp) and rounded to float; candidates at or above the
 * score threshold, ordered by decreasing score (ties in index order: TFLM's sorts are stable,
 * or order equal scores by index); greedy suppression of later candidates whose IoU with a
 * kept box exceeds the threshold; an invoke fails when a decoded box is empty (TFLM's
 * ValidateBoxes). Regular NMS runs per class and keeps the best `max_detections` over all
 * classes, writing every output slot (zeros past the count); fast NMS runs once on each box's
 * best class score. TFLM's fast NMS leaves the slots past the count as they were (uninitialized
 * arena memory); here they are zeroed, so outputs past the count are deterministic, and only
 * the first `count` slots can be compared with TFLM. Scores that are NaN have no defined order (TFLM's comparisons are not a strict weak
 * order then) and are not covered. IoU and box arithmetic are compiled without fused
 * multiply-adds, so on cores with an FPU the suppression decisions match the host's. */
#pragma GCC optimize("fp-contract=off")
#include <math.h>
#include <string.h>

#include "flexbuffer.h"
#include "graph.h"
#include "hil_protocol.h"

enum { BOX_ENCODINGS = 0, CLASS_PREDICTIONS = 1, ANCHORS = 2 };
enum { OUT_BOXES = 0, OUT_CLASSES = 1, OUT_SCORES = 2, OUT_COUNT = 3 };

typedef struct {
    int32_t max_detections, max_classes_per_detection, detections_per_class, num_classes;
    uint8_t regular_nms;
    float score_threshold, iou_threshold;
    float y_scale, x_scale, h_scale, w_scale;
    int32_t boxes, stride, classes_with_background, candidates; /* candidates: regular NMS list size */
    uint32_t at_active, at_keep_scores, at_keep_index, at_order, at_merge, at_class_scores, at_selected;
    uint32_t at_table, at_cand_index, at_cand_scores, at_cand_order, at_cand_tmp_i, at_cand_tmp_f;
} dpp_params;

static uint32_t take(uint32_t *used, uint64_t bytes)
{
    uint32_t at = *used;
    *used += (uint32_t)((bytes + 7u) & ~7ull);
    return at;
}

static int read_options(hil_graph *g, hil_node *node, dpp_params *p)
{
    const uint8_t *buf = hil_fb_vec_bytes(&g->fb, node->custom_options);
    hil_flex_map m;
    if (hil_flex_open(&m, buf, node->custom_options.len) != HIL_FLEX_OK)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "custom options are not a flexbuffer map");
    static const char *const required[] = {"max_detections", "max_classes_per_detection", "nms_score_threshold",
                                           "nms_iou_threshold", "num_classes", "y_scale", "x_scale", "h_scale",
                                           "w_scale"};
    for (unsigned i = 0; i < sizeof required / sizeof required[0]; i++)
        if (hil_flex_get(&m, required[i]).kind == HIL_FLEX_MISSING)
            return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "custom options lack a required key");
    hil_flex_value per_class = hil_flex_get(&m, "detections_per_class"), regular = hil_flex_get(&m, "use_regular_nms");
    p->max_detections = hil_flex_as_int32(hil_flex_get(&m, "max_detections"));
    p->max_classes_per_detection = hil_flex_as_int32(hil_flex_get(&m, "max_classes_per_detection"));
    p->detections_per_class = per_class.kind == HIL_FLEX_MISSING ? 100 : hil_flex_as_int32(per_class);
    p->regular_nms = regular.kind != HIL_FLEX_MISSING && hil_flex_as_int32(regular) != 0;
    p->score_threshold = hil_flex_as_float(hil_flex_get(&m, "nms_score_threshold"));
    p->iou_threshold = hil_flex_as_float(hil_flex_get(&m, "nms_iou_threshold"));
    p->num_classes = hil_flex_as_int32(hil_flex_get(&m, "num_classes"));
    p->y_scale = hil_flex_as_float(hil_flex_get(&m, "y_scale"));
    p->x_scale = hil_flex_as_float(hil_flex_get(&m, "x_scale"));
    p->h_scale = hil_flex_as_float(hil_flex_get(&m, "h_scale"));
    p->w_scale = hil_flex_as_float(hil_flex_get(&m, "w_scale"));
    return HIL_OK;
}

static int check_tensors(hil_graph *g, hil_node *node, dpp_params *p)
{
    const hil_tensor *enc = hil_node_input(g, node, BOX_ENCODINGS), *cls = hil_node_input(g, node, CLASS_PREDICTIONS);
    const hil_tensor *anchors = hil_node_input(g, node, ANCHORS);
    if (hil_node_num_inputs(node) != 3 || hil_node_num_outputs(node) != 4 || !enc || !cls || !anchors)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "needs 3 inputs and 4 outputs");
    for (unsigned i = 0; i < 4; i++) {
        const hil_tensor *t = hil_node_output(g, node, i);
        if (!t || t->type != HIL_FLOAT32)
            return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "outputs must be float32");
    }
    if (enc->type != HIL_FLOAT32 || cls->type != HIL_FLOAT32 || anchors->type != HIL_FLOAT32)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "inputs must be float32 (TFLM decodes no other type)");
    if (enc->ndim != 3 || cls->ndim != 3 || anchors->ndim != 2 || enc->dims[0] != 1 || cls->dims[0] != 1 ||
        enc->dims[2] < 4 || cls->dims[1] != enc->dims[1] || anchors->dims[0] != enc->dims[1] || anchors->dims[1] != 4)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "input shapes must be [1, boxes, >=4], [1, boxes, classes], [boxes, 4]");
    p->boxes = enc->dims[1];
    p->stride = enc->dims[2];
    p->classes_with_background = cls->dims[2];
    if (p->num_classes <= 0 || p->classes_with_background < p->num_classes || p->classes_with_background - p->num_classes > 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "num_classes does not match the class predictions");
    if (!(p->iou_threshold > 0.0f && p->iou_threshold <= 1.0f) || p->max_detections < 0 ||
        (p->regular_nms ? p->detections_per_class <= 0 : p->max_classes_per_detection <= 0))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED, "invalid thresholds or detection counts in the options");
    if (!p->regular_nms && p->max_classes_per_detection > 1 && p->num_classes > 1)
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED,
                          "fast NMS with max_classes_per_detection above 1 (TFLM writes past its outputs)");
    const uint32_t m = (uint32_t)p->max_detections;
    if (hil_num_elements(hil_node_output(g, node, OUT_BOXES)) < 4u * m ||
        hil_num_elements(hil_node_output(g, node, OUT_CLASSES)) < m ||
        hil_num_elements(hil_node_output(g, node, OUT_SCORES)) < m || hil_num_elements(hil_node_output(g, node, OUT_COUNT)) < 1)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "outputs are smaller than max_detections");
    return HIL_OK;
}

/* One scratch block: decoded boxes first, then the per-candidate arrays. */
static int request(hil_graph *g, hil_node *node, dpp_params *p)
{
    const uint64_t b = (uint64_t)p->boxes, c = (uint64_t)p->num_classes;
    const uint64_t per_class = (uint64_t)p->detections_per_class < b ? (uint64_t)p->detections_per_class : b;
    uint32_t used = 0;
    take(&used, 16u * b); /* decoded boxes */
    p->at_active = take(&used, b);
    p->at_keep_scores = take(&used, 4u * b);
    p->at_keep_index = take(&used, 4u * b);
    p->at_order = take(&used, 4u * b);
    p->at_merge = take(&used, 4u * (b > c ? b : c) + 4u * ((uint64_t)p->max_detections + per_class));
    p->at_class_scores = take(&used, 4u * b);
    p->at_selected = take(&used, 4u * b);
    if (p->regular_nms) {
        p->candidates = p->max_detections + (int32_t)per_class;
        p->at_cand_index = take(&used, 4u * (uint64_t)p->candidates);
        p->at_cand_scores = take(&used, 4u * (uint64_t)p->candidates);
        p->at_cand_order = take(&used, 4u * (uint64_t)p->candidates);
        p->at_cand_tmp_i = take(&used, 4u * (uint64_t)p->candidates);
        p->at_cand_tmp_f = take(&used, 4u * (uint64_t)p->candidates);
    } else {
        p->at_table = take(&used, 4u * b * c);
    }
    if (b * (16u + 4u * c) + 4u * (uint64_t)p->max_detections > 0x40000000u)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "too many boxes or classes");
    return hil_request_scratch(g, node, used);
}

static int dpp_prepare(hil_graph *g, hil_node *node)
{
    dpp_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    int status = read_options(g, node, p);
    if (status == HIL_OK)
        status = check_tensors(g, node, p);
    node->params = p;
    return status == HIL_OK ? request(g, node, p) : status;
}

/* ---- eval ---- */

typedef struct {
    float ymin, xmin, ymax, xmax;
} box;

static int decode(const dpp_params *p, const float *enc, const float *anchors, box *out)
{
    for (int32_t i = 0; i < p->boxes; i++) {
        const float *e = enc + i * p->stride, *a = anchors + 4 * i; /* y, x, h, w */
        float yc = (float)((double)e[0] / (double)p->y_scale * (double)a[2] + (double)a[0]);
        float xc = (float)((double)e[1] / (double)p->x_scale * (double)a[3] + (double)a[1]);
        float half_h = (float)(0.5 * exp((double)e[2] / (double)p->h_scale) * (double)a[2]);
        float half_w = (float)(0.5 * exp((double)e[3] / (double)p->w_scale) * (double)a[3]);
        out[i].ymin = yc - half_h;
        out[i].xmin = xc - half_w;
        out[i].ymax = yc + half_h;
        out[i].xmax = xc + half_w;
    }
    for (int32_t i = 0; i < p->boxes; i++) /* TFLM's ValidateBoxes, before any suppression */
        if (!(out[i].ymin < out[i].ymax && out[i].xmin < out[i].xmax))
            return 0;
    return 1;
}

/* Stable sort of `n` indices by decreasing values[index] (equal values keep their order):
 * bottom-up merge sort through `tmp`. */
static void sort_decreasing(const float *values, int32_t *idx, int32_t *tmp, int32_t n)
{
    for (int32_t width = 1; width < n; width *= 2) {
        for (int32_t lo = 0; lo < n; lo += 2 * width) {
            int32_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            int32_t l = lo, r = mid, o = lo;
            while (l < mid || r < hi)
                tmp[o++] = (l < mid && !(r < hi && values[idx[r]] > values[idx[l]])) ? idx[l++] : idx[r++];
        }
        memcpy(idx, tmp, sizeof(int32_t) * (size_t)n);
    }
}

static void iota(int32_t *idx, int32_t n)
{
    for (int32_t i = 0; i < n; i++)
        idx[i] = i;
}

static float max_f(float a, float b) { return a < b ? b : a; }
static float min_f(float a, float b) { return b < a ? b : a; }

static float iou(const box *bi, const box *bj)
{
    const float area_i = (bi->ymax - bi->ymin) * (bi->xmax - bi->xmin);
    const float area_j = (bj->ymax - bj->ymin) * (bj->xmax - bj->xmin);
    if (area_i <= 0 || area_j <= 0)
        return 0.0f;
    const float h = max_f(min_f(bi->ymax, bj->ymax) - max_f(bi->ymin, bj->ymin), 0.0f);
    const float w = max_f(min_f(bi->xmax, bj->xmax) - max_f(bi->xmin, bj->xmin), 0.0f);
    const float inter = h * w;
    return inter / (area_i + area_j - inter);
}

/* TFLM's NonMaxSuppressionSingleClassHelper: indices of the kept boxes into `selected`. */
static int32_t nms_single(const dpp_params *p, uint8_t *s, const box *boxes, const float *scores, int32_t limit,
                          int32_t *selected)
{
    float *keep_scores = (float *)(void *)(s + p->at_keep_scores);
    int32_t *keep = (int32_t *)(void *)(s + p->at_keep_index), *order = (int32_t *)(void *)(s + p->at_order);
    uint8_t *active = s + p->at_active;
    int32_t kept = 0, n = 0;
    for (int32_t i = 0; i < p->boxes; i++)
        if (scores[i] >= p->score_threshold) {
            keep_scores[kept] = scores[i];
            keep[kept++] = i;
        }
    iota(order, kept);
    sort_decreasing(keep_scores, order, (int32_t *)(void *)(s + p->at_merge), kept);
    const int32_t out_size = kept < limit ? kept : limit;
    int32_t candidates = kept;
    memset(active, 1, (size_t)(uint32_t)kept);
    for (int32_t i = 0; i < kept && candidates > 0 && n < out_size; i++) {
        if (!active[i])
            continue;
        const box *bi = &boxes[keep[order[i]]];
        selected[n++] = keep[order[i]];
        active[i] = 0;
        candidates--;
        for (int32_t j = i + 1; j < kept; j++)
            if (active[j] && iou(bi, &boxes[keep[order[j]]]) > p->iou_threshold) {
                active[j] = 0;
                candidates--;
            }
    }
    return n;
}

typedef struct {
    float *boxes, *classes, *scores;
} outputs;

static void put(const outputs *o, int32_t slot, const box *b, float cls, float score)
{
    memcpy(o->boxes + 4 * slot, b, sizeof *b);
    o->classes[slot] = cls;
    o->scores[slot] = score;
}

static int32_t regular_nms(const dpp_params *p, uint8_t *s, const box *boxes, const float *scores, const outputs *o)
{
    const int32_t ncb = p->classes_with_background, offset = ncb - p->num_classes;
    float *class_scores = (float *)(void *)(s + p->at_class_scores);
    int32_t *selected = (int32_t *)(void *)(s + p->at_selected), *cand = (int32_t *)(void *)(s + p->at_cand_index);
    float *cand_scores = (float *)(void *)(s + p->at_cand_scores), *tmp_f = (float *)(void *)(s + p->at_cand_tmp_f);
    int32_t *order = (int32_t *)(void *)(s + p->at_cand_order), *tmp_i = (int32_t *)(void *)(s + p->at_cand_tmp_i);
    int32_t size = 0;
    for (int32_t col = 0; col < p->num_classes; col++) {
        for (int32_t row = 0; row < p->boxes; row++)
            class_scores[row] = scores[row * ncb + col + offset];
        int32_t n = nms_single(p, s, boxes, class_scores, p->detections_per_class, selected), count = size;
        for (int32_t i = 0; i < n; i++, count++) {
            cand[count] = selected[i] * ncb + col + offset;
            cand_scores[count] = class_scores[selected[i]];
        }
        iota(order, count);
        sort_decreasing(cand_scores, order, (int32_t *)(void *)(s + p->at_merge), count);
        size = count < p->max_detections ? count : p->max_detections;
        for (int32_t r = 0; r < size; r++)
            tmp_i[r] = cand[order[r]], tmp_f[r] = cand_scores[order[r]];
        memcpy(cand, tmp_i, sizeof(int32_t) * (size_t)size);
        memcpy(cand_scores, tmp_f, sizeof(float) * (size_t)size);
    }
    static const box zero = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int32_t slot = 0; slot < p->max_detections; slot++) {
        if (slot >= size) {
            put(o, slot, &zero, 0.0f, 0.0f);
            continue;
        }
        int32_t anchor = cand[slot] / ncb;
        put(o, slot, &boxes[anchor], (float)(cand[slot] - anchor * ncb - offset), cand_scores[slot]);
    }
    return size;
}

static int32_t fast_nms(const dpp_params *p, uint8_t *s, const box *boxes, const float *scores, const outputs *o)
{
    const int32_t ncb = p->classes_with_background, offset = ncb - p->num_classes;
    const int32_t per_box = p->max_classes_per_detection < p->num_classes ? p->max_classes_per_detection : p->num_classes;
    float *max_scores = (float *)(void *)(s + p->at_class_scores);
    int32_t *table = (int32_t *)(void *)(s + p->at_table), *selected = (int32_t *)(void *)(s + p->at_selected);
    for (int32_t row = 0; row < p->boxes; row++) {
        int32_t *classes = table + row * p->num_classes;
        iota(classes, p->num_classes);
        sort_decreasing(scores + row * ncb + offset, classes, (int32_t *)(void *)(s + p->at_merge), p->num_classes);
        max_scores[row] = scores[row * ncb + offset + classes[0]];
    }
    int32_t n = nms_single(p, s, boxes, max_scores, p->max_detections, selected), slot = 0;
    static const box zero = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int32_t i = n; i < p->max_detections; i++) /* TFLM writes nothing there (see above) */
        put(o, i, &zero, 0.0f, 0.0f);
    for (int32_t i = 0; i < n; i++) {
        const int32_t *classes = table + selected[i] * p->num_classes;
        for (int32_t col = 0; col < per_box; col++, slot++)
            put(o, per_box * slot + col, &boxes[selected[i]], (float)classes[col],
                scores[selected[i] * ncb + offset + classes[col]]);
    }
    return slot;
}

static int dpp_eval(hil_graph *g, hil_node *node)
{
    const dpp_params *p = node->params;
    uint8_t *s = hil_scratch(g, node);
    box *boxes = (box *)(void *)s;
    const float *enc = (const float *)(const void *)hil_node_input(g, node, BOX_ENCODINGS)->data;
    const float *scores = (const float *)(const void *)hil_node_input(g, node, CLASS_PREDICTIONS)->data;
    const float *anchors = (const float *)(const void *)hil_node_input(g, node, ANCHORS)->data;
    if (!decode(p, enc, anchors, boxes))
        return hil_reject(g, node, HIL_ERR_INVOKE_FAILED, "a decoded box is empty (TFLM fails this invoke too)");
    const outputs o = {(float *)(void *)hil_node_output(g, node, OUT_BOXES)->data,
                       (float *)(void *)hil_node_output(g, node, OUT_CLASSES)->data,
                       (float *)(void *)hil_node_output(g, node, OUT_SCORES)->data};
    int32_t count = p->regular_nms ? regular_nms(p, s, boxes, scores, &o) : fast_nms(p, s, boxes, scores, &o);
    ((float *)(void *)hil_node_output(g, node, OUT_COUNT)->data)[0] = (float)count;
    return HIL_OK;
}

const hil_kernel hil_kernel_detection_postprocess_f32 = {1014, "TFLite_Detection_PostProcess", dpp_prepare, dpp_eval};
