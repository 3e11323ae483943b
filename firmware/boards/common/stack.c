/* Stack high-water mark (agent/hil_port.h): the stack reserve below the initial stack pointer is
 * painted with a pattern at reset; the lowest word no longer holding it marks the deepest use
 * since boot. The reserve is HIL_STACK_BYTES of the board's linker script (link_common.ld). */
#include <stdint.h>

#include "hil_port.h"

/* Not a repeated byte, so the compiler cannot turn the paint loop into a memset call (whose own
 * frame would lie in the region being painted). */
#define HIL_STACK_PAINT 0x5AC3A55Cu

extern uint32_t __stack_top, __stack_limit__;

/* Words left unpainted below the stack pointer read here: the compiler may read it before this
 * function's prologue pushes its registers. Any real use goes far deeper, so the mark is exact. */
#define HIL_PAINT_MARGIN_WORDS 16u

void hil_stack_paint(void)
{
    volatile uint32_t *p = &__stack_limit__;
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    while (p < sp - HIL_PAINT_MARGIN_WORDS) /* below that everything is free at reset */
        *p++ = HIL_STACK_PAINT;
}

uint32_t hil_port_stack_reserve(void)
{
    return (uint32_t)((uintptr_t)&__stack_top - (uintptr_t)&__stack_limit__);
}

uint32_t hil_port_stack_peak(void)
{
    const volatile uint32_t *p = &__stack_limit__;
    while (p < &__stack_top && *p == HIL_STACK_PAINT)
        p++;
    return (uint32_t)((uintptr_t)&__stack_top - (uintptr_t)p);
}
