/* YOUR application's main, with the agent added: after the board is up, hand the UART to the
 * agent. The engine is any hil_engine implementation: the built-in one here (it compiles in
 * CI), or the TFLM adapter (firmware/engines/tflm) over your own TFLM build. */
#include <stdint.h>

#include "hil_agent.h"
#include "my_board.h"

extern const hil_engine hil_builtin_engine;     /* or hil_tflm_engine */
extern const uint8_t hil_model_data[];          /* model_blob.S: the .tflite in flash */
extern const uint32_t hil_model_size;
extern const uint8_t hil_model_sha256[32];

/* One decoded frame: 8192-byte payloads plus the 4-byte header and 4-byte CRC. */
static uint8_t rx_buffer[8200] __attribute__((aligned(4)));

int main(void)
{
    my_board_init(); /* your existing bring-up: clocks, UART, ... */

    const hil_agent_config config = {
        .engine = &hil_builtin_engine,
        .model = hil_model_data,
        .model_size = hil_model_size,
        .model_sha256 = hil_model_sha256,
        .rx_buffer = rx_buffer,
        .rx_capacity = sizeof rx_buffer,
    };
    hil_agent_start(&config); /* loads the model and sends READY */
    for (;;) {
        hil_agent_poll(); /* handles whatever arrived; returns without blocking */
        /* ... the rest of your main loop keeps running here ... */
    }
}
