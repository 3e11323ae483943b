/* hil_port and board hooks for CMSDK-UART boards, parameterised by the board's
 * hil_cmsdk_board description. The agent waits with WFI, woken by the UART RX interrupt. */
#include "cmsdk_board.h"

#include "cortex_m.h"
#include "hil_port.h"

#define HIL_BAUD 115200u

void hil_board_init(void)
{
    const hil_cmsdk_board_config *b = &hil_cmsdk_board;
    hil_cmsdk_uart_init(&b->uart, b->uart_clock_hz, HIL_BAUD);
    for (unsigned i = 0; i < b->rx_irq_count; i++)
        hil_irq_enable(b->rx_irqs[i]);
    hil_counter_setup(b->cpu_hz);
}

void hil_board_irq(unsigned irq)
{
    const hil_cmsdk_board_config *b = &hil_cmsdk_board;
    for (unsigned i = 0; i < b->rx_irq_count; i++) {
        if (irq == b->rx_irqs[i]) {
            hil_cmsdk_uart_ack_rx(&b->uart); /* the agent reads the data register itself */
            return;
        }
    }
}

const char *hil_board_name(void) { return hil_cmsdk_board.name; }
uint32_t hil_cpu_hz(void) { return hil_cmsdk_board.cpu_hz; }

void hil_port_write(const uint8_t *data, size_t len) { hil_cmsdk_uart_write(&hil_cmsdk_board.uart, data, len); }
int hil_port_read_byte(void) { return hil_cmsdk_uart_read(&hil_cmsdk_board.uart); }

static int rx_waiting(void) { return hil_cmsdk_uart_rx_ready(&hil_cmsdk_board.uart); }
void hil_port_wait_rx(void) { hil_sleep_unless(rx_waiting); }
