/* MPS2 AN385 (QEMU -M mps2-an385, Cortex-M3 without FPU): CMSDK UART0 at 0x40004000, RX
 * interrupt = IRQ 0, everything clocked at 25 MHz. The code is boards/common/cmsdk_board.c. */
#include "cmsdk_board.h"

const hil_cmsdk_board_config hil_cmsdk_board = {
    .name = "mps2_an385",
    .cpu_hz = 25000000u,
    .uart_clock_hz = 25000000u,
    .uart = {.base = 0x40004000u},
    .rx_irqs = {0u},
    .rx_irq_count = 1,
};
