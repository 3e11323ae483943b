/* KissFFT-compatible real FFT, Q15 fixed point (signal_fft_impl.h). */
#define FFT_BITS 16
#define FFT_T int16_t
#define FFT_CPX hil_cpx_i16
#define FFT_SUFFIX i16
#include "signal_fft_impl.h"
