/* Test-only defects (see test_hooks.h). Without HIL_TEST_FAULT_AT_INVOKE or
 * HIL_TEST_HANG_AT_INVOKE this file only returns the engine it is given. */
#include "test_hooks.h"

#include <stdint.h>

#if defined(HIL_TEST_FAULT_AT_INVOKE) || defined(HIL_TEST_HANG_AT_INVOKE)

#ifndef HIL_TEST_FAULT_KIND
#define HIL_TEST_FAULT_KIND 1
#endif
/* A load from an address with no memory behind it is a precise bus error. Nothing is mapped at
 * 0x60000000 on QEMU's mps2 machines (between the FPGA peripherals and the memory-mapped Ethernet
 * and VGA) nor on its netduinoplus2; a board with memory there names another address in its
 * board.cmake (HIL_TEST_BAD_ADDRESS). */
#ifndef HIL_TEST_BAD_ADDRESS
#define HIL_TEST_BAD_ADDRESS 0x60000000u
#endif
#define SCB_CCR (*(volatile uint32_t *)0xE000ED14u)
#define CCR_DIV_0_TRP (1u << 4)

static const hil_engine *real;
static hil_engine hooked;
static uint32_t invokes;
volatile uint32_t hil_test_sink;

/* Never inlined, so the fault's PC symbolises to this function. */
__attribute__((noinline)) void hil_test_fault(void)
{
#if HIL_TEST_FAULT_KIND == 2
    __asm__ volatile("udf #0");
#elif HIL_TEST_FAULT_KIND == 3
    SCB_CCR |= CCR_DIV_0_TRP;
    volatile uint32_t zero = 0;
    hil_test_sink = 1000u / zero;
#else
    hil_test_sink = *(volatile uint32_t *)HIL_TEST_BAD_ADDRESS;
#endif
}

__attribute__((noinline)) void hil_test_hang(void)
{
    for (;;)
        __asm__ volatile("" ::: "memory");
}

#ifdef HIL_TEST_WATCHDOG_TICKS
/* The CMSDK APB watchdog that QEMU's mps2 machines map at 0x40008000, its WDOGINT wired to the
 * NMI. Armed only while an invoke runs: when it expires, the NMI handler (faults.c) sends a
 * FAULT frame whose PC shows where the firmware hung. Only the interrupt stage is used: in
 * QEMU 7.2 the counter runs from reset whatever WDOGCONTROL says, and with -icount sleep=off
 * every idle WFI jumps virtual time to its next expiry, so two expiries latch the reset
 * status during the first idle period and setting RESEN afterwards resets the board at once.
 * Clearing the interrupt and reloading before INTEN gives a full period on 7.2 and later. */
#define WDOG_LOAD (*(volatile uint32_t *)0x40008000u)
#define WDOG_CONTROL (*(volatile uint32_t *)0x40008008u)
#define WDOG_INTCLR (*(volatile uint32_t *)0x4000800Cu)
#define WDOG_LOCK (*(volatile uint32_t *)0x40008C00u)
#define WDOG_UNLOCK 0x1ACCE551u
#define WDOG_INTEN 1u

static void watchdog_arm(void)
{
    WDOG_LOCK = WDOG_UNLOCK;
    WDOG_INTCLR = 1u;
    WDOG_LOAD = (uint32_t)(HIL_TEST_WATCHDOG_TICKS);
    WDOG_CONTROL = WDOG_INTEN;
}

static void watchdog_disarm(void)
{
    WDOG_CONTROL = 0u;
}
#else
static void watchdog_arm(void) {}
static void watchdog_disarm(void) {}
#endif

static int hooked_invoke(char *msg, size_t msg_cap)
{
    int status;
    invokes++;
    watchdog_arm();
#ifdef HIL_TEST_FAULT_AT_INVOKE
    if (invokes == (uint32_t)(HIL_TEST_FAULT_AT_INVOKE))
        hil_test_fault();
#endif
#ifdef HIL_TEST_HANG_AT_INVOKE
    if (invokes == (uint32_t)(HIL_TEST_HANG_AT_INVOKE))
        hil_test_hang();
#endif
    status = real->invoke(msg, msg_cap);
    watchdog_disarm();
    return status;
}

const hil_engine *hil_test_engine(const hil_engine *engine)
{
    real = engine;
    hooked = *engine;
    hooked.invoke = hooked_invoke;
    return &hooked;
}

#else

const hil_engine *hil_test_engine(const hil_engine *engine)
{
    return engine;
}

#endif
