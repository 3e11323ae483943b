/* STM32F4 (F405/F407/F446/F411 class): one ELF for QEMU netduinoplus2, Renode's
 * stm32f4_discovery-kit and NUCLEO-F4xx / STM32F4-Discovery boards. See clock.c and usart.c. */
#include "hil_port.h"
#include "stm32f4.h"

#define HIL_BAUD 115200u

void hil_stm32_usart_init(uint32_t pclk_hz, uint32_t baud);
void hil_stm32_usart_irq(void);

static uint32_t cpu_hz;

/* Energy sync GPIO: PA8 (Arduino D7 on NUCLEO-64 boards, a free header pin on STM32F4-Discovery),
 * push-pull output, low at rest; wire it to the power monitor's digital input (docs/energy.md). */
#define HIL_SYNC_PIN 8u

static void sync_pin_init(void)
{
    RCC_AHB1ENR |= RCC_AHB1ENR_GPIOAEN;
    GPIOA_BSRR = 1u << (HIL_SYNC_PIN + 16u);
    GPIOA_MODER = (GPIOA_MODER & ~(3u << (2u * HIL_SYNC_PIN))) | (1u << (2u * HIL_SYNC_PIN));
}

void hil_port_sync(int active)
{
    GPIOA_BSRR = active ? 1u << HIL_SYNC_PIN : 1u << (HIL_SYNC_PIN + 16u); /* atomic set / reset */
}

void hil_board_init(void)
{
    hil_stm32_clocks clocks = hil_stm32_clock_init();
    cpu_hz = clocks.sysclk_hz;
    hil_counter_setup(cpu_hz);
    hil_stm32_usart_init(clocks.pclk1_hz, HIL_BAUD);
    sync_pin_init();
}

void hil_board_irq(unsigned irq)
{
    if (irq == USART2_IRQ)
        hil_stm32_usart_irq();
}

const char *hil_board_name(void) { return "stm32f4"; }
uint32_t hil_cpu_hz(void) { return cpu_hz; }
