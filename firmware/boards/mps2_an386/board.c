/* MPS2 AN386: CMSDK UART0 at 0x40004000 (RX interrupt = IRQ 0), 25 MHz core clock. */
#include "cmsdk_uart.h"
#include "cortex_m.h"
#include "hil_port.h"

#define CPU_HZ 25000000u
#define UART0_BASE 0x40004000u
#define UART0_RX_IRQ 0u

static const hil_cmsdk_uart uart0 = {UART0_BASE, UART0_RX_IRQ};

void hil_board_init(void)
{
    hil_cmsdk_uart_init(&uart0, CPU_HZ, 115200u);
    hil_counter_setup(CPU_HZ);
}

void hil_board_irq(unsigned irq)
{
    if (irq == UART0_RX_IRQ)
        hil_cmsdk_uart_ack_rx(&uart0);
}

const char *hil_board_name(void) { return "mps2_an386"; }
uint32_t hil_cpu_hz(void) { return CPU_HZ; }

void hil_port_write(const uint8_t *data, size_t len) { hil_cmsdk_uart_write(&uart0, data, len); }
int hil_port_read_byte(void) { return hil_cmsdk_uart_read(&uart0); }

static int rx_waiting(void) { return hil_cmsdk_uart_rx_ready(&uart0); }
void hil_port_wait_rx(void) { hil_sleep_unless(rx_waiting); }
