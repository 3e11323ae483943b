/* The few C++ runtime symbols a heap-free, exception-free firmware with TFLM can reference,
 * defined here so libstdc++'s versions (which pull in malloc, the terminate handler and its
 * demangler) stay out of the image. Nothing here is expected to run: each one traps, so a
 * call becomes a fault report (HIL_MSG_FAULT) instead of silent corruption. */
#include <stddef.h>

namespace {
[[noreturn]] void hil_cxx_trap() { __builtin_trap(); }
}  // namespace

/* Vtables of abstract classes (MicroOpResolver, MicroProfilerInterface) point here. */
extern "C" void __cxa_pure_virtual() { hil_cxx_trap(); }

/* Deleting destructors of polymorphic classes reference the global operator delete even
 * though TFLM never allocates from a heap (its classes declare a class-level no-op delete,
 * TF_LITE_REMOVE_VIRTUAL_DELETE, but not every one does). */
void operator delete(void *) noexcept { hil_cxx_trap(); }
void operator delete(void *, size_t) noexcept { hil_cxx_trap(); }

/* Referenced by __cxa_atexit registrations of static objects with destructors; the board
 * startup runs no static constructors or destructors, and tflm.cmake fails the build if the
 * image contains any (.init_array), so this only satisfies the link of such a reference. */
extern "C" {
__attribute__((weak)) void *__dso_handle = nullptr;
}
