/* A minimal assertion helper for host-native C unit tests: each test file is its own
 * executable; a failed CHECK prints file:line and the expression, and the exit code counts
 * failures. */
#ifndef HIL_TEST_H
#define HIL_TEST_H
#include <stdio.h>

static int hil_test_failures;

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
