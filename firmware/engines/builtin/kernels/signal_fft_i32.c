/* KissFFT-compatible real FFT, Q31 fixed point (signal_fft_impl.h). */
#define FFT_BITS 32
#define FFT_T int32_t
#define FFT_CPX hil_cpx_i32
#define FFT_SUFFIX i32
#include "signal_fft_impl.h"
