/* The target-side agent: receives framed requests over the UART, drives an engine, replies. */
#ifndef HIL_AGENT_H
#define HIL_AGENT_H
#include <stddef.h>
#include <stdint.h>

#include "hil_engine.h"

typedef struct {
    const hil_engine *engine;
    const uint8_t *model; /* the .tflite flatbuffer, usually in flash */
    uint32_t model_size;
    const uint8_t *model_sha256; /* 32 bytes, computed at build time */
    uint8_t *rx_buffer;          /* holds one decoded frame: sets the maximum payload */
    size_t rx_capacity;
} hil_agent_config;

#define HIL_MAX_IO 16 /* input and output tensors the agent serves, each */

/* The debugger's mailbox (docs/protocol.md, "Vectors through the debug connection"): published at
 * start, after the model loaded; the host finds it by its symbol in the ELF. */
typedef struct {
    uint32_t magic; /* HIL_MAILBOX_MAGIC once the rest is valid */
    uint16_t version;
    uint8_t n_inputs;
    uint8_t n_outputs;
    volatile uint32_t inputs_written; /* the host: 1 after writing every input; the agent: 0 after running them */
    uint32_t tensors[2 * HIL_MAX_IO][2]; /* address, bytes: the inputs, then the outputs */
} hil_mailbox_t;

extern hil_mailbox_t hil_mailbox;

/* Load the model and announce READY. Call once the UART receiver is enabled. */
void hil_agent_start(const hil_agent_config *config);
/* Handle every byte waiting on the UART; returns without blocking. */
void hil_agent_poll(void);
/* Poll forever, sleeping between bytes. */
void hil_agent_run(void);

/* Send a LOG frame (text never corrupts the binary stream). */
void hil_agent_log(const char *text);
/* Send one unsolicited frame; used by fault handlers. */
void hil_agent_send(uint8_t type, const void *payload, size_t len);

#endif
