/* The cycle counter behind hil_counter_*: DWT CYCCNT where it really counts, otherwise SysTick
 * on the processor clock. Both are extended to 64 bits by the SysTick interrupt, which runs
 * only while the counter is started so an idle emulator is not woken. */
#include "cortex_m.h"
#include "hil_port.h"
#include "hil_protocol.h"

#define SYSTICK_RELOAD 0xFFFFFFu

static struct {
    uint32_t kind;
    uint32_t hz;
    volatile uint32_t systick_wraps;
    uint32_t dwt_last;
    uint64_t dwt_high;
} counter;

static int dwt_counts(void)
{
    DEMCR |= DEMCR_TRCENA;
    DWT_LAR = 0xC5ACCE55u; /* unlock on cores that have the lock (Cortex-M7) */
    DWT_CYCCNT = 0;
    DWT_CTRL |= 1u;
    uint32_t before = DWT_CYCCNT;
    for (volatile int i = 0; i < 32; i++)
        ;
    return DWT_CYCCNT != before; /* QEMU implements no DWT: CYCCNT stays 0 */
}

void hil_counter_setup(uint32_t counter_hz_if_systick)
{
    counter.kind = dwt_counts() ? HIL_COUNTER_DWT : HIL_COUNTER_SYSTICK;
    counter.hz = counter_hz_if_systick; /* both count the processor clock */
}

uint32_t hil_counter_kind(void) { return counter.kind; }
uint32_t hil_counter_hz(void) { return counter.hz; }

static void dwt_extend(void)
{
    uint32_t now = DWT_CYCCNT;
    if (now < counter.dwt_last)
        counter.dwt_high += 1ull << 32;
    counter.dwt_last = now;
}

void SysTick_Handler(void)
{
    counter.systick_wraps++;
    if (counter.kind == HIL_COUNTER_DWT)
        dwt_extend();
}

void hil_counter_start(void)
{
    counter.systick_wraps = 0;
    counter.dwt_high = 0;
    counter.dwt_last = DWT_CYCCNT;
    SYST_RVR = SYSTICK_RELOAD;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
    while (SYST_CVR == 0) /* the first tick reloads from 0; count only from there */
        ;
}

void hil_counter_stop(void)
{
    SYST_CSR = 0;
}

uint64_t hil_counter_read(void)
{
    if (counter.kind == HIL_COUNTER_DWT) {
        uint32_t primask = hil_disable_irq();
        dwt_extend();
        uint64_t now = counter.dwt_high | counter.dwt_last;
        hil_restore_irq(primask);
        return now;
    }
    uint32_t primask = hil_disable_irq();
    uint32_t wraps = counter.systick_wraps;
    uint32_t value = SYST_CVR;
    if (SCB_ICSR & SCB_ICSR_PENDSTSET) { /* wrapped, interrupt not yet taken */
        value = SYST_CVR;
        wraps++;
    }
    hil_restore_irq(primask);
    return (uint64_t)wraps * (SYSTICK_RELOAD + 1u) + (SYSTICK_RELOAD - value);
}
