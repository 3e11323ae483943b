/* KissFFT-compatible real FFT, float (signal_fft_impl.h). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off") /* TFLM's float FFT rounds every product and sum */
#endif
#define FFT_BITS 0
#define FFT_T float
#define FFT_CPX hil_cpx_f32
#define FFT_SUFFIX f32
#include "signal_fft_impl.h"
