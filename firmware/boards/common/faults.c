/* Fault handlers: report the fault registers and the stacked PC/LR in a FAULT frame, then halt
 * so the host can read the frame and reset the board. */
#include <stdint.h>

#include "cortex_m.h"
#include "hil_agent.h"
#include "hil_protocol.h"

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Called with the exception stack frame (r0-r3, r12, lr, pc, xpsr). */
__attribute__((used, noreturn)) void hil_fault_report(const uint32_t *frame, uint32_t exc_return)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    uint32_t fields[9] = {
        ipsr & 0x1FFu, SCB_CFSR, SCB_HFSR, SCB_MMFAR, SCB_BFAR,
        frame[6], /* stacked PC */
        frame[5], /* stacked LR */
        frame[7], /* stacked xPSR */
        exc_return,
    };
    uint8_t payload[sizeof fields];
    for (unsigned i = 0; i < 9; i++)
        put_u32(payload + 4 * i, fields[i]);
    hil_agent_send(HIL_MSG_FAULT, payload, sizeof payload);
    for (;;)
        __asm__ volatile("wfi");
}

/* Picks MSP or PSP from EXC_RETURN bit 2, then reports. */
__attribute__((naked)) static void fault_entry(void)
{
    __asm__ volatile("tst lr, #4\n\t"
                     "ite eq\n\t"
                     "mrseq r0, msp\n\t"
                     "mrsne r0, psp\n\t"
                     "mov r1, lr\n\t"
                     "b hil_fault_report\n");
}

void HardFault_Handler(void) __attribute__((naked, alias("fault_entry")));
void MemManage_Handler(void) __attribute__((naked, alias("fault_entry")));
void BusFault_Handler(void) __attribute__((naked, alias("fault_entry")));
void UsageFault_Handler(void) __attribute__((naked, alias("fault_entry")));
