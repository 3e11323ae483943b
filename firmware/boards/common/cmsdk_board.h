/* The board support shared by every board whose console is a CMSDK APB UART (QEMU's MPS2 and
 * MPS3 machines): a board directory only describes its clocks, UART and interrupt lines. */
#ifndef HIL_CMSDK_BOARD_H
#define HIL_CMSDK_BOARD_H
#include <stdint.h>

#include "cmsdk_uart.h"

#define HIL_CMSDK_MAX_RX_IRQS 2

typedef struct {
    const char *name;
    uint32_t cpu_hz;        /* processor clock: SysTick with CLKSOURCE=1 counts it */
    uint32_t uart_clock_hz; /* the UART's APB clock, for the baud divider */
    hil_cmsdk_uart uart;
    /* NVIC lines that may carry the UART's RX interrupt (all are enabled and acknowledged). */
    unsigned rx_irqs[HIL_CMSDK_MAX_RX_IRQS];
    unsigned rx_irq_count;
} hil_cmsdk_board_config;

/* Defined by the board directory's board.c. */
extern const hil_cmsdk_board_config hil_cmsdk_board;

#endif
