/* Vector table, reset handler and the race-free sleep shared by every Cortex-M board. */
#include <stdint.h>
#include <string.h>

#include "cortex_m.h"

extern uint32_t __stack_top, __data_start__, __data_end__, __data_load__, __bss_start__, __bss_end__;
extern int main(void);
extern void hil_stack_paint(void);

void Reset_Handler(void);
void HardFault_Handler(void);
void MemManage_Handler(void);
void BusFault_Handler(void);
void UsageFault_Handler(void);
void SysTick_Handler(void);
void Irq_Handler(void);
static void Default_Handler(void);

#define HIL_NUM_IRQS 96

__attribute__((section(".vectors"), used)) static void (*const vector_table[16 + HIL_NUM_IRQS])(void) = {
    [0] = (void (*)(void))(&__stack_top),
    [1] = Reset_Handler,
    [2] = Default_Handler, /* NMI */
    [3] = HardFault_Handler,
    [4] = MemManage_Handler,
    [5] = BusFault_Handler,
    [6] = UsageFault_Handler,
    [11] = Default_Handler, /* SVC */
    [12] = Default_Handler, /* DebugMon */
    [14] = Default_Handler, /* PendSV */
    [15] = SysTick_Handler,
    [16 ... 16 + HIL_NUM_IRQS - 1] = Irq_Handler,
};

static void Default_Handler(void)
{
    HardFault_Handler();
}

void Irq_Handler(void)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    hil_board_irq((ipsr & 0x1FFu) - 16u);
}

void hil_sleep_unless(int (*ready)(void))
{
    uint32_t primask = hil_disable_irq();
    if (!ready())
        __asm__ volatile("dsb\n\twfi" ::: "memory"); /* wakes on a pending interrupt even when masked */
    hil_restore_irq(primask);
}

static void enable_fpu(void)
{
#if defined(__ARM_FP)
    SCB_CPACR |= (0xFu << 20); /* CP10 and CP11 full access */
    __asm__ volatile("dsb\n\tisb");
#endif
}

void Reset_Handler(void)
{
    size_t data_bytes = (size_t)((uint8_t *)&__data_end__ - (uint8_t *)&__data_start__);
    size_t bss_bytes = (size_t)((uint8_t *)&__bss_end__ - (uint8_t *)&__bss_start__);
    memcpy(&__data_start__, &__data_load__, data_bytes);
    memset(&__bss_start__, 0, bss_bytes);
    hil_stack_paint(); /* before anything else uses the stack: MEMORY reports its high-water mark */
    SCB_VTOR = (uint32_t)(uintptr_t)vector_table;
    /* Route MemManage, BusFault and UsageFault to their own handlers instead of HardFault. */
    SCB_SHCSR |= (1u << 16) | (1u << 17) | (1u << 18);
    enable_fpu();
    hil_board_init();
    main();
    for (;;)
        ;
}
