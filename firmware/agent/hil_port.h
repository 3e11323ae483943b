/* What a board (or a user's own firmware) implements so the agent can run on it.
 * See docs/porting.md. */
#ifndef HIL_PORT_H
#define HIL_PORT_H
#include <stddef.h>
#include <stdint.h>

/* UART: blocking write of all bytes; non-blocking read (-1 when nothing is waiting). */
void hil_port_write(const uint8_t *data, size_t len);
int hil_port_read_byte(void);
/* Sleep until a received byte may be waiting (WFI on an RX interrupt, or return at once). */
void hil_port_wait_rx(void);

/* Cycle counter: a free-running 64-bit count while started. */
uint32_t hil_counter_kind(void); /* enum hil_counter_kind */
uint32_t hil_counter_hz(void);
void hil_counter_start(void);
void hil_counter_stop(void);
uint64_t hil_counter_read(void);

const char *hil_board_name(void);
uint32_t hil_cpu_hz(void);

/* Optional: the stack reserve in bytes and the deepest stack use since boot (a port paints the
 * reserve at reset and scans it, see boards/common/stack.c). A port without them links the
 * agent's defaults, which answer 0: not measured. */
uint32_t hil_port_stack_reserve(void);
uint32_t hil_port_stack_peak(void);

/* Optional: drive the energy sync GPIO (1 = an inference is running). The agent raises it just
 * before and lowers it just after each measured invoke, outside the counted region, so a power
 * monitor cuts one window per inference (docs/energy.md). The agent's default does nothing. */
void hil_port_sync(int active);

#endif
