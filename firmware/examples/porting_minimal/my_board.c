/* YOUR existing board code (a minimal stand-in for a real project's startup, UART and timer
 * drivers): vector table, reset handler, CMSDK UART polling driver, SysTick cycle counter. */
#include <stdint.h>
#include <string.h>

#include "my_board.h"

#define REG(addr) (*(volatile uint32_t *)(addr))

/* CMSDK UART0 */
#define UART_DATA REG(0x40004000u)
#define UART_STATE REG(0x40004004u)
#define UART_CTRL REG(0x40004008u)
#define UART_BAUDDIV REG(0x40004010u)
#define UART_TX_FULL 0x1u
#define UART_RX_FULL 0x2u

/* SysTick, system control */
#define SYST_CSR REG(0xE000E010u)
#define SYST_RVR REG(0xE000E014u)
#define SYST_CVR REG(0xE000E018u)
#define SCB_ICSR REG(0xE000ED04u)
#define SCB_CPACR REG(0xE000ED88u)
#define SYSTICK_MAX 0xFFFFFFu

extern uint32_t __stack_top, __data_start__, __data_end__, __data_load__, __bss_start__, __bss_end__;
extern int main(void);

static volatile uint32_t systick_wraps;

void Reset_Handler(void);
void SysTick_Handler(void);
static void Fault_Handler(void);

__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))(&__stack_top), Reset_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler, 0, 0, 0, 0, Fault_Handler, 0, 0, Fault_Handler, SysTick_Handler,
};

static void Fault_Handler(void)
{
    for (;;)
        ;
}

void Reset_Handler(void)
{
    memcpy(&__data_start__, &__data_load__, (size_t)((uint8_t *)&__data_end__ - (uint8_t *)&__data_start__));
    memset(&__bss_start__, 0, (size_t)((uint8_t *)&__bss_end__ - (uint8_t *)&__bss_start__));
#if defined(__ARM_FP)
    SCB_CPACR |= 0xFu << 20; /* the FPU, for code built with -mfloat-abi=hard */
    __asm__ volatile("dsb\n\tisb");
#endif
    main();
    for (;;)
        ;
}

void my_board_init(void)
{
    UART_BAUDDIV = MY_BOARD_CPU_HZ / 115200u;
    UART_CTRL = 0x3u; /* TX and RX enabled, no interrupts: the app polls */
}

void my_uart_putc(uint8_t c)
{
    while (UART_STATE & UART_TX_FULL)
        ;
    UART_DATA = c;
}

int my_uart_getc_nonblocking(void)
{
    return (UART_STATE & UART_RX_FULL) ? (int)(UART_DATA & 0xFFu) : -1;
}

void SysTick_Handler(void) { systick_wraps++; }

void my_cycle_counter_enable(int on)
{
    if (on) {
        systick_wraps = 0;
        SYST_RVR = SYSTICK_MAX;
        SYST_CVR = 0;
        SYST_CSR = 0x7u; /* processor clock, wrap interrupt, enabled */
        while (SYST_CVR == 0) /* the first tick loads the reload value: count from there */
            ;
    } else {
        SYST_CSR = 0;
    }
}

uint64_t my_cycle_counter_now(void)
{
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    uint32_t wraps = systick_wraps;
    uint32_t value = SYST_CVR;
    if (SCB_ICSR & (1u << 26)) { /* wrapped, interrupt not taken yet */
        value = SYST_CVR;
        wraps++;
    }
    __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
    return (uint64_t)wraps * (SYSTICK_MAX + 1u) + (SYSTICK_MAX - value);
}
