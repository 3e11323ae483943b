/* KissFFT's factorization (signal_fft.h). */
#include "signal_fft.h"

static uint32_t isqrt(uint32_t n) /* floor(sqrt(n)), as KissFFT's floor(sqrt((double)n)) */
{
    uint32_t r = 0;
    while ((uint64_t)(r + 1) * (r + 1) <= n)
        r++;
    return r;
}

int hil_fft_factor(hil_fft_plan *p, uint32_t n)
{
    uint32_t radix = 4, limit = isqrt(n);
    p->n = n;
    p->n_stages = 0;
    if (n < 2 || n > 0xFFFFu)
        return 0;
    do {
        while (n % radix) {
            radix = radix == 4 ? 2 : (radix == 2 ? 3 : radix + 2);
            if (radix > limit)
                radix = n; /* no more factors up to sqrt(n): the rest is one stage */
        }
        if (radix > 5 || p->n_stages == HIL_FFT_MAX_STAGES)
            return 0;
        n /= radix;
        p->radix[p->n_stages] = (uint16_t)radix;
        p->span[p->n_stages++] = (uint16_t)n;
    } while (n > 1);
    return 1;
}
