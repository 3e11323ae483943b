/* The real FFTs of TFLM's signal library (Rfft, Irfft), bit-exact: TFLM runs KissFFT (v1.3.0:
 * kiss_fftr over a mixed-radix complex FFT of half the length, radix 4, 2, 3 and 5 stages) in
 * 16-bit and 32-bit fixed point and in float. What makes a result bit-exact is reproduced here:
 * the factor order, the twiddles (rounded from double cos/sin), the per-stage division by the
 * radix in fixed point (multiply by SAMP_MAX / radix, round), the rounding of each product
 * ((x + half) >> fraction bits), int16 arithmetic wrapping where KissFFT stores into
 * int16, and, in float, the order of every addition (built without contracted multiply-adds).
 * One template (signal_fft_impl.h), instantiated per type in signal_fft_{i16,i32,f32}.c. */
#ifndef HIL_SIGNAL_FFT_H
#define HIL_SIGNAL_FFT_H
#include <stdint.h>

#include "graph.h"

#define HIL_FFT_MAX_STAGES 16

typedef struct { int16_t r, i; } hil_cpx_i16;
typedef struct { int32_t r, i; } hil_cpx_i32;
typedef struct { float r, i; } hil_cpx_f32;

typedef struct {
    uint32_t n; /* complex FFT length: half the real FFT length */
    uint8_t inverse, n_stages;
    uint16_t radix[HIL_FFT_MAX_STAGES], span[HIL_FFT_MAX_STAGES]; /* KissFFT's factors p, m */
    void *twiddles;       /* n complex */
    void *super_twiddles; /* n / 2 complex: the real-FFT split */
} hil_fft_plan;

/* KissFFT's factorization of the complex length n (radix 4 first, then 2, 3, 5, ...). Returns 0
 * when a factor is not 2, 3, 4 or 5 (TFLM's KissFFT has no scratch for its generic butterfly and
 * cannot run those lengths) or n < 2. */
int hil_fft_factor(hil_fft_plan *p, uint32_t n);

/* Plans a real FFT (or inverse) of fft_length (even) in persistent memory; returns 0 if the arena
 * is full. hil_fft_factor must have accepted fft_length / 2. */
int hil_fft_plan_i16(hil_graph *g, hil_fft_plan *p, int inverse);
int hil_fft_plan_i32(hil_graph *g, hil_fft_plan *p, int inverse);
int hil_fft_plan_f32(hil_graph *g, hil_fft_plan *p, int inverse);

/* kiss_fftr: 2n real samples in, n + 1 complex bins (re, im pairs) out; tmp holds n complex.
 * kiss_fftri: n + 1 bins in, 2n samples out, unscaled as in KissFFT; tmp likewise. Pointers to
 * the instantiation's scalar type (int16_t, int32_t, float). */
typedef void (*hil_fft_fn)(const hil_fft_plan *p, const void *in, void *out, void *tmp);
void hil_rfft_i16(const hil_fft_plan *p, const void *in, void *out, void *tmp);
void hil_rfft_i32(const hil_fft_plan *p, const void *in, void *out, void *tmp);
void hil_rfft_f32(const hil_fft_plan *p, const void *in, void *out, void *tmp);
void hil_irfft_i16(const hil_fft_plan *p, const void *in, void *out, void *tmp);
void hil_irfft_i32(const hil_fft_plan *p, const void *in, void *out, void *tmp);
void hil_irfft_f32(const hil_fft_plan *p, const void *in, void *out, void *tmp);

#endif
