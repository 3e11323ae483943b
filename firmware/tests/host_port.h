#ifndef HIL_HOST_PORT_H
#define HIL_HOST_PORT_H
#include <stddef.h>
#include <stdint.h>

#include "hil_port.h"

/* Bytes the agent will read next, and where the bytes it writes go. */
void host_port_feed(const uint8_t *data, size_t len);
void host_port_capture(uint8_t *buf, size_t cap);
size_t host_port_captured(void);

#endif
