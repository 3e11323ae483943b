#include "hil_frame.h"

#include "hil_crc32.h"
#include "hil_protocol.h"

void hil_frame_rx_init(hil_frame_rx *rx, uint8_t *buf, size_t capacity)
{
    rx->buf = buf;
    rx->capacity = capacity;
    rx->len = 0;
    rx->escaped = 0;
    rx->bad = HIL_BAD_NONE;
    rx->bad_reason = HIL_BAD_NONE;
}

static hil_rx_event finish_frame(hil_frame_rx *rx)
{
    size_t len = rx->len;
    uint8_t bad = rx->bad;
    rx->len = 0;
    rx->escaped = 0;
    rx->bad = HIL_BAD_NONE;
    if (len == 0 && bad == HIL_BAD_NONE)
        return HIL_RX_PENDING; /* back-to-back END bytes: an empty frame, not an error */
    if (bad == HIL_BAD_NONE && len < HIL_HEADER_BYTES + HIL_CRC_BYTES)
        bad = HIL_BAD_SHORT;
    if (bad == HIL_BAD_NONE) {
        size_t body = len - HIL_CRC_BYTES;
        uint32_t want = (uint32_t)rx->buf[body] | ((uint32_t)rx->buf[body + 1] << 8) |
                        ((uint32_t)rx->buf[body + 2] << 16) | ((uint32_t)rx->buf[body + 3] << 24);
        if (hil_crc32_update(0, rx->buf, body) != want)
            bad = HIL_BAD_CRC;
        else
            rx->frame_len = body;
    }
    rx->bad_reason = bad;
    rx->bad_len = len;
    /* The seq survives in a CRC failure often enough to make a targeted NAK worth sending; an
     * overflowing frame kept its first bytes too, so its sender learns which request was lost. */
    rx->bad_seq = ((bad == HIL_BAD_CRC || bad == HIL_BAD_OVERFLOW) && len >= HIL_HEADER_BYTES)
                      ? (uint16_t)(rx->buf[2] | (rx->buf[3] << 8)) : 0xFFFFu;
    return bad == HIL_BAD_NONE ? HIL_RX_FRAME : HIL_RX_BAD;
}

hil_rx_event hil_frame_rx_byte(hil_frame_rx *rx, uint8_t byte)
{
    if (byte == HIL_SLIP_END)
        return finish_frame(rx);
    if (rx->bad != HIL_BAD_NONE)
        return HIL_RX_PENDING; /* drop the rest of a broken frame until END */
    if (rx->escaped) {
        rx->escaped = 0;
        if (byte == HIL_SLIP_ESC_END)
            byte = HIL_SLIP_END;
        else if (byte == HIL_SLIP_ESC_ESC)
            byte = HIL_SLIP_ESC;
        else {
            rx->bad = HIL_BAD_ESCAPE;
            return HIL_RX_PENDING;
        }
    } else if (byte == HIL_SLIP_ESC) {
        rx->escaped = 1;
        return HIL_RX_PENDING;
    }
    if (rx->len >= rx->capacity) {
        rx->bad = HIL_BAD_OVERFLOW;
        return HIL_RX_PENDING;
    }
    rx->buf[rx->len++] = byte;
    return HIL_RX_PENDING;
}

static void tx_flush(hil_frame_tx *tx)
{
    if (tx->staged) {
        tx->write(tx->stage, tx->staged);
        tx->staged = 0;
    }
}

static void tx_raw(hil_frame_tx *tx, uint8_t byte)
{
    if (tx->staged == sizeof tx->stage)
        tx_flush(tx);
    tx->stage[tx->staged++] = byte;
}

static void tx_escaped(hil_frame_tx *tx, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t b = data[i];
        if (b == HIL_SLIP_END) {
            tx_raw(tx, HIL_SLIP_ESC);
            tx_raw(tx, HIL_SLIP_ESC_END);
        } else if (b == HIL_SLIP_ESC) {
            tx_raw(tx, HIL_SLIP_ESC);
            tx_raw(tx, HIL_SLIP_ESC_ESC);
        } else {
            tx_raw(tx, b);
        }
    }
}

void hil_frame_tx_begin(hil_frame_tx *tx, hil_write_fn write, uint8_t type, uint8_t flags,
                        uint16_t seq)
{
    uint8_t header[HIL_HEADER_BYTES] = {type, flags, (uint8_t)seq, (uint8_t)(seq >> 8)};
    tx->write = write;
    tx->crc = 0;
    tx->staged = 0;
    tx_raw(tx, HIL_SLIP_END); /* a leading END flushes any line noise at the receiver */
    hil_frame_tx_write(tx, header, sizeof header);
}

void hil_frame_tx_write(hil_frame_tx *tx, const void *data, size_t len)
{
    tx->crc = hil_crc32_update(tx->crc, (const uint8_t *)data, len);
    tx_escaped(tx, (const uint8_t *)data, len);
}

void hil_frame_tx_end(hil_frame_tx *tx)
{
    uint8_t crc[HIL_CRC_BYTES] = {(uint8_t)tx->crc, (uint8_t)(tx->crc >> 8),
                                  (uint8_t)(tx->crc >> 16), (uint8_t)(tx->crc >> 24)};
    tx_escaped(tx, crc, sizeof crc);
    tx_raw(tx, HIL_SLIP_END);
    tx_flush(tx);
}
