/* The reference firmware: a board, the agent and an engine around one embedded model. */
#include <stdint.h>

#include "hil_agent.h"
#include "test_hooks.h"

extern const hil_engine HIL_ENGINE_INSTANCE;
extern const uint8_t hil_model_data[];
extern const uint32_t hil_model_size;
extern const uint8_t hil_model_sha256[32];

static uint8_t rx_buffer[HIL_RX_CAPACITY] __attribute__((aligned(4)));

int main(void)
{
    /* hil_board_init() already ran from the reset handler: the UART receiver is enabled. */
    const hil_agent_config config = {
        .engine = hil_test_engine(&HIL_ENGINE_INSTANCE), /* itself unless a test defect is built in */
        .model = hil_model_data,
        .model_size = hil_model_size,
        .model_sha256 = hil_model_sha256,
        .rx_buffer = rx_buffer,
        .rx_capacity = sizeof rx_buffer,
    };
    hil_agent_start(&config);
    hil_agent_run();
    return 0;
}
