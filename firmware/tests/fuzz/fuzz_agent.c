/* Fuzz target: the agent (frame receiver + request dispatcher) with the built-in engine and a
 * real model loaded, fed arbitrary bytes as if they came over the UART.
 *
 * Input layout: byte 0 picks the receive buffer size (bits 0-1) and the mode (bit 2).
 *   raw mode:        the rest goes to the agent byte for byte (noise, broken frames, seeds);
 *   structured mode: the rest is records [type][flags][seq lo][seq hi][len lo][len hi][payload],
 *                    each sent as a well-formed frame (valid CRC), so mutations reach every
 *                    request handler instead of dying at the CRC check.
 * Oracles, besides ASan/UBSan: every byte the agent sends decodes as frames with a valid CRC,
 * and after any input a HELLO gets its READY reply (the receiver always resynchronises). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hil_agent.h"
#include "hil_frame.h"
#include "hil_protocol.h"
#include "host_port.h"

extern const hil_engine hil_builtin_engine;
extern const uint8_t hil_fuzz_model[];
extern const uint32_t hil_fuzz_model_size;

#define OUT_CAP (1u << 20)
#define IN_CAP (1u << 18)
#define HELLO_SEQ 0x4242u
#define MAX_CALIBRATE 1000u /* CALIBRATE spins a host-chosen number of loops: bound it here */

static const uint8_t model_sha256[32];
static uint8_t out[OUT_CAP];
static uint8_t in[IN_CAP];
static size_t in_len;

static void in_write(const uint8_t *data, size_t len)
{
    if (in_len + len > IN_CAP)
        len = IN_CAP - in_len;
    memcpy(in + in_len, data, len);
    in_len += len;
}

static void append_frame(uint8_t type, uint8_t flags, uint16_t seq, const uint8_t *p, size_t n)
{
    uint8_t clamped[4];
    if (type == HIL_MSG_CALIBRATE && n >= 4) {
        uint32_t it = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
        it %= MAX_CALIBRATE;
        for (int i = 0; i < 4; i++)
            clamped[i] = (uint8_t)(it >> (8 * i));
        p = clamped;
        n = 4;
    } else if (type == HIL_MSG_CALIBRATE) {
        return; /* the default of 1e6 loops is too slow for a fuzzer */
    }
    hil_frame_tx tx;
    hil_frame_tx_begin(&tx, in_write, type, flags, seq);
    hil_frame_tx_write(&tx, p, n);
    hil_frame_tx_end(&tx);
}

static void build_structured(const uint8_t *data, size_t size)
{
    size_t pos = 0;
    while (pos + 6 <= size) {
        const uint8_t *r = data + pos;
        size_t len = (size_t)r[4] | ((size_t)r[5] << 8);
        pos += 6;
        if (len > size - pos)
            len = size - pos;
        append_frame(r[0], r[1], (uint16_t)(r[2] | (r[3] << 8)), data + pos, len);
        pos += len;
    }
}

/* Decodes everything the agent sent; aborts on a frame with a bad CRC or escape. Returns the
 * type and seq of the last frame. */
static void check_output(size_t len, uint8_t *last_type, uint16_t *last_seq)
{
    static uint8_t buf[16384];
    hil_frame_rx rx;
    hil_frame_rx_init(&rx, buf, sizeof buf);
    *last_type = 0;
    *last_seq = 0;
    for (size_t i = 0; i < len; i++) {
        hil_rx_event ev = hil_frame_rx_byte(&rx, out[i]);
        if (ev == HIL_RX_BAD)
            abort();
        if (ev == HIL_RX_FRAME) {
            *last_type = buf[0];
            *last_seq = (uint16_t)(buf[2] | (buf[3] << 8));
        }
    }
    if (rx.len != 0) /* every frame the agent starts, it ends */
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t capacities[4] = {8200, 264, 40, 8200};
    if (size == 0)
        return 0;
    size_t capacity = capacities[data[0] & 3u];
    uint8_t *rx_buffer = malloc(capacity); /* exact size: ASan catches an overflowing write */
    const hil_agent_config config = {
        .engine = &hil_builtin_engine,
        .model = hil_fuzz_model,
        .model_size = hil_fuzz_model_size,
        .model_sha256 = model_sha256,
        .rx_buffer = rx_buffer,
        .rx_capacity = capacity,
    };
    in_len = 0;
    if (data[0] & 4u)
        build_structured(data + 1, size - 1);
    else
        in_write(data + 1, size - 1);
    /* Then a HELLO, which must be answered whatever came before. */
    append_frame(HIL_MSG_HELLO, 0, HELLO_SEQ, 0, 0);

    host_port_capture(out, sizeof out);
    hil_agent_start(&config);
    host_port_feed(in, in_len);
    hil_agent_poll();

    size_t sent = host_port_captured();
    if (sent < sizeof out) { /* otherwise the capture buffer filled up and the tail is missing */
        uint8_t type;
        uint16_t seq;
        check_output(sent, &type, &seq);
        if (type != HIL_MSG_READY || seq != HELLO_SEQ)
            abort();
    }
    free(rx_buffer);
    return 0;
}
