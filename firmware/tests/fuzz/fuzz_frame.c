/* Fuzz target: the SLIP + CRC-32 frame layer alone.
 * 1. Arbitrary bytes into the receiver (a small buffer, so overflow is exercised): it must never
 *    write past its buffer and every frame it accepts must fit its header + CRC bounds.
 * 2. Round trip: the input as a frame body, sent by the transmitter and received again, must come
 *    back byte for byte as exactly one frame. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hil_frame.h"
#include "hil_protocol.h"

static uint8_t wire[2 * 4096 + 64];
static size_t wire_len;

static void wire_write(const uint8_t *data, size_t len)
{
    if (wire_len + len > sizeof wire)
        abort(); /* a frame escapes to at most twice its size plus delimiters */
    memcpy(wire + wire_len, data, len);
    wire_len += len;
}

static void receive_arbitrary(const uint8_t *data, size_t size)
{
    size_t capacity = size ? 8u + data[0] % 64u : 8u;
    uint8_t *buf = malloc(capacity); /* exact size: ASan catches a write past the end */
    hil_frame_rx rx;
    hil_frame_rx_init(&rx, buf, capacity);
    for (size_t i = 0; i < size; i++) {
        hil_rx_event ev = hil_frame_rx_byte(&rx, data[i]);
        if (ev == HIL_RX_FRAME && (rx.frame_len < HIL_HEADER_BYTES || rx.frame_len + HIL_CRC_BYTES > capacity))
            abort();
        if (ev == HIL_RX_BAD && rx.bad_reason == HIL_BAD_NONE)
            abort();
    }
    free(buf);
}

static void round_trip(const uint8_t *data, size_t size)
{
    if (size < HIL_HEADER_BYTES || size > 4096)
        return;
    wire_len = 0;
    hil_frame_tx tx;
    uint16_t seq = (uint16_t)(data[2] | (data[3] << 8));
    hil_frame_tx_begin(&tx, wire_write, data[0], data[1], seq);
    hil_frame_tx_write(&tx, data + HIL_HEADER_BYTES, size - HIL_HEADER_BYTES);
    hil_frame_tx_end(&tx);

    size_t capacity = size + HIL_CRC_BYTES;
    uint8_t *buf = malloc(capacity);
    hil_frame_rx rx;
    hil_frame_rx_init(&rx, buf, capacity);
    int frames = 0;
    for (size_t i = 0; i < wire_len; i++) {
        hil_rx_event ev = hil_frame_rx_byte(&rx, wire[i]);
        if (ev == HIL_RX_BAD)
            abort();
        if (ev == HIL_RX_FRAME) {
            frames++;
            if (rx.frame_len != size || memcmp(buf, data, size) != 0)
                abort();
        }
    }
    if (frames != 1)
        abort();
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    receive_arbitrary(data, size);
    round_trip(data, size);
    return 0;
}
