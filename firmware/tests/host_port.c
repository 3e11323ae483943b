/* hil_port.h for host builds: the agent's UART is a pair of in-memory buffers that tests fill
 * and drain; the counter is a monotonic clock in nanoseconds. */
#include <string.h>
#include <time.h>

#include "host_port.h"
#include "hil_protocol.h"

static struct {
    const uint8_t *rx;
    size_t rx_len, rx_pos;
    uint8_t *tx;
    size_t tx_cap, tx_len;
} port;

void host_port_feed(const uint8_t *data, size_t len)
{
    port.rx = data;
    port.rx_len = len;
    port.rx_pos = 0;
}

void host_port_capture(uint8_t *buf, size_t cap)
{
    port.tx = buf;
    port.tx_cap = cap;
    port.tx_len = 0;
}

size_t host_port_captured(void) { return port.tx_len; }

void hil_port_write(const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len && port.tx_len < port.tx_cap; i++)
        port.tx[port.tx_len++] = data[i];
}

int hil_port_read_byte(void)
{
    return port.rx_pos < port.rx_len ? port.rx[port.rx_pos++] : -1;
}

void hil_port_wait_rx(void) {}

uint32_t hil_counter_kind(void) { return HIL_COUNTER_NONE; }
uint32_t hil_counter_hz(void) { return 1000000000u; }
void hil_counter_start(void) {}
void hil_counter_stop(void) {}

uint64_t hil_counter_read(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

const char *hil_board_name(void) { return "host"; }
uint32_t hil_cpu_hz(void) { return 1000000000u; }
