/* SignalRfft and SignalIrfft: one real FFT (or inverse) per innermost frame, through the
 * KissFFT-compatible transforms of signal_fft.h (TFLM's signal library: RfftInt16Apply, ...).
 * RFFT zero-pads each input frame to fft_length and writes fft_length / 2 + 1 complex bins
 * (re, im pairs); IRFFT reads that many bins per frame and writes fft_length samples (float:
 * divided by fft_length, as TFLM). Header-only prepare shared by the three types. */
#ifndef HIL_SIGNAL_RFFT_H
#define HIL_SIGNAL_RFFT_H
#include <string.h>

#include "signal.h"
#include "signal_fft.h"

typedef struct {
    hil_fft_plan plan;
    uint32_t fft_length, frames;
    uint32_t in_step, out_step; /* scalars from one frame to the next */
} hil_rfft_params;

typedef int (*hil_fft_plan_fn)(hil_graph *g, hil_fft_plan *p, int inverse);

/* The frame geometry of an RFFT (inverse = 0) or IRFFT, in scalars; refuses what TFLM's kernel
 * would read or write outside its tensors. */
static inline int hil_rfft_geometry(hil_graph *g, hil_node *node, hil_rfft_params *p, int inverse)
{
    hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    uint32_t bins = 2u * (p->fft_length / 2u + 1u); /* scalars of one spectrum */
    p->in_step = (uint32_t)in->dims[in->ndim - 1];
    p->out_step = (uint32_t)out->dims[out->ndim - 1];
    if (inverse)
        p->in_step &= ~1u; /* TFLM: (last dim / 2) complex values */
    else
        p->out_step &= ~1u;
    p->frames = p->in_step ? hil_num_elements(in) / p->in_step : 0;
    uint32_t in_need = inverse ? bins : 1u, out_need = inverse ? p->fft_length : bins;
    if (!p->frames || p->in_step < in_need || (!inverse && p->in_step > p->fft_length) || p->out_step < out_need ||
        (uint64_t)p->frames * p->out_step > hil_num_elements(out))
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID,
                          inverse ? "each input frame must hold fft_length / 2 + 1 bins and each output frame "
                                    "fft_length samples"
                                  : "each input frame must fit fft_length and each output frame hold "
                                    "fft_length / 2 + 1 bins");
    return HIL_OK;
}

static inline int hil_rfft_prepare(hil_graph *g, hil_node *node, int type, int inverse, hil_fft_plan_fn plan)
{
    static const char *const keys[] = {"T", "fft_length"};
    int32_t opt[2];
    int status = hil_signal_begin(g, node, 1, 1, keys, 2, opt);
    if (status != HIL_OK)
        return status;
    hil_tensor *in = hil_node_input(g, node, 0), *out = hil_node_output(g, node, 0);
    if (opt[0] != type)
        return hil_reject(g, node, HIL_ERR_MODEL_INVALID, "option T differs from the tensors' type");
    if ((status = hil_signal_tensor(g, node, in, type, -1, "input")) ||
        (status = hil_signal_tensor(g, node, out, type, in->ndim, "output")))
        return status;
    hil_rfft_params *p = hil_persistent_alloc(g, sizeof *p);
    if (!p)
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    p->fft_length = (uint32_t)opt[1];
    if (opt[1] < 4 || (opt[1] & 1) || !hil_fft_factor(&p->plan, p->fft_length / 2u))
        return hil_reject(g, node, HIL_ERR_UNSUPPORTED,
                          "fft_length must be even, with half of it a product of 2, 3, 4 and 5 (TFLM's KissFFT)");
    if ((status = hil_rfft_geometry(g, node, p, inverse)) != HIL_OK)
        return status;
    if (!plan(g, &p->plan, inverse))
        return hil_reject(g, node, HIL_ERR_ARENA_TOO_SMALL, "arena full");
    node->params = p;
    /* work area: a zero-padded frame (RFFT) and KissFFT's temporary spectrum */
    uint32_t size = (uint32_t)hil_dtype_size((uint32_t)type);
    return hil_request_scratch(g, node, (inverse ? 0u : p->fft_length * size) + p->fft_length * size);
}

/* Every frame through the transform; `size` is the scalar's byte size. Returns HIL_OK. */
static inline int hil_rfft_frames(hil_graph *g, const hil_node *node, int inverse, uint32_t size, hil_fft_fn fn)
{
    const hil_rfft_params *p = node->params;
    const uint8_t *in = hil_node_input(g, node, 0)->data;
    uint8_t *out = hil_node_output(g, node, 0)->data;
    uint8_t *work = hil_scratch(g, node);
    uint8_t *tmp = inverse ? work : work + p->fft_length * size;
    for (uint32_t f = 0; f < p->frames; f++) {
        const uint8_t *frame = in + (size_t)f * p->in_step * size;
        if (!inverse) { /* zero-padded to fft_length */
            memcpy(work, frame, (size_t)p->in_step * size);
            memset(work + p->in_step * size, 0, (size_t)(p->fft_length - p->in_step) * size);
            frame = work;
        }
        fn(&p->plan, frame, out + (size_t)f * p->out_step * size, tmp);
    }
    return HIL_OK;
}

#endif
