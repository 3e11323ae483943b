/* AddressSanitizer hooks for host builds (tests, fuzzing). The arena is one static array, so
 * ASan alone cannot see a kernel writing past its tensors inside it: the planner poisons the
 * free gap between the activation plan and the persistent data, and the loader unpoisons the
 * whole arena before it starts again. No-ops without ASan (the firmware). */
#ifndef HIL_ASAN_H
#define HIL_ASAN_H

#if defined(__SANITIZE_ADDRESS__)
#define HIL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HIL_ASAN 1
#endif
#endif

#ifdef HIL_ASAN
#include <sanitizer/asan_interface.h>
#define HIL_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define HIL_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define HIL_POISON(p, n) ((void)(p), (void)(n))
#define HIL_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#endif
