/* MPS2 AN500 (QEMU -M mps2-an500, Cortex-M7): the AN385/AN386 peripheral map, so CMSDK UART0
 * at 0x40004000 with its RX interrupt on IRQ 0, and a 25 MHz SYSCLK (QEMU hw/arm/mps2.c). */
#include "cmsdk_board.h"

const hil_cmsdk_board_config hil_cmsdk_board = {
    .name = "mps2_an500",
    .cpu_hz = 25000000u,
    .uart_clock_hz = 25000000u,
    .uart = {.base = 0x40004000u},
    .rx_irqs = {0u},
    .rx_irq_count = 1,
};
