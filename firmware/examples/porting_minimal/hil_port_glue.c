/* The only code a port writes for the agent: agent/hil_port.h implemented on top of the
 * existing board drivers (my_board.h). */
#include "hil_port.h"
#include "hil_protocol.h"
#include "my_board.h"

void hil_port_write(const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++)
        my_uart_putc(data[i]);
}

int hil_port_read_byte(void) { return my_uart_getc_nonblocking(); }

/* Polling firmware: nothing to sleep on. A firmware with an RX interrupt would WFI here
 * until a byte may be waiting (see boards/common/startup.c, hil_sleep_unless). */
void hil_port_wait_rx(void) {}

uint32_t hil_counter_kind(void) { return HIL_COUNTER_SYSTICK; } /* HIL_COUNTER_DWT with a DWT CYCCNT */
uint32_t hil_counter_hz(void) { return MY_BOARD_CPU_HZ; }
void hil_counter_start(void) { my_cycle_counter_enable(1); }
void hil_counter_stop(void) { my_cycle_counter_enable(0); }
uint64_t hil_counter_read(void) { return my_cycle_counter_now(); }

const char *hil_board_name(void) { return "porting_minimal"; }
uint32_t hil_cpu_hz(void) { return MY_BOARD_CPU_HZ; }
