/* A minimal assertion helper for host-native C unit tests: each test file is its own
 * executable; a failed CHECK prints file:line and the expression, and the exit code counts
 * failures. */
#ifndef HIL_TEST_H
#define HIL_TEST_H
#include <stdint.h>
#include <stdio.h>

static int hil_test_failures;

/* A xorshift64 generator for randomized cases; a test file seeds it (hil_test_rng = SEED)
 * first thing in main(), so each file keeps its own sequence. */
static uint64_t hil_test_rng = 0x2545F4914F6CDD1Dull;

static inline uint32_t rnd(void)
{
    hil_test_rng ^= hil_test_rng << 13;
    hil_test_rng ^= hil_test_rng >> 7;
    hil_test_rng ^= hil_test_rng << 17;
    return (uint32_t)(hil_test_rng >> 16);
}

/* Uniform in [lo, hi]. */
static inline int32_t range(int32_t lo, int32_t hi) { return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1)); }

#define CHECK(expr)                                                                   \
    do {                                                                              \
        if (!(expr)) {                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #expr);  \
            hil_test_failures++;                                                      \
        }                                                                             \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                            \
    do {                                                                              \
        long long va_ = (long long)(a), vb_ = (long long)(b);                         \
        if (va_ != vb_) {                                                             \
            fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__,     \
                    __LINE__, #a, va_, #b, vb_);                                      \
            hil_test_failures++;                                                      \
        }                                                                             \
    } while (0)

#define TEST_MAIN_END()                                                               \
    do {                                                                              \
        if (hil_test_failures)                                                        \
            fprintf(stderr, "%d check(s) failed\n", hil_test_failures);               \
        return hil_test_failures ? 1 : 0;                                            \
    } while (0)

#endif
