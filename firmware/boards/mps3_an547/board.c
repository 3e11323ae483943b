/* MPS3 AN547 (QEMU -M mps3-an547, Cortex-M55 in an SSE-300): CMSDK UART0 at 0x49303000, a
 * 32 MHz processor clock and a 25 MHz APB peripheral clock (QEMU hw/arm/mps2-tz.c).
 *
 * AN547 documents UART0's RX interrupt as IRQ 33 (TX 34, combined 43). Older QEMU releases wired
 * RX and TX the other way round (fixed by QEMU commit 5a558be9 and its stable backports; Debian
 * 12's QEMU 7.2.22 raises 33, checked by enabling each line alone), so both lines are enabled:
 * with only the RX interrupt enabled in the UART, either line means "a byte arrived". */
#include "cmsdk_board.h"

const hil_cmsdk_board_config hil_cmsdk_board = {
    .name = "mps3_an547",
    .cpu_hz = 32000000u,
    .uart_clock_hz = 25000000u,
    .uart = {.base = 0x49303000u},
    .rx_irqs = {33u, 34u},
    .rx_irq_count = 2,
};
