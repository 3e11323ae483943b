/* SLIP framing with a CRC-32 trailer: a byte-at-a-time receiver that resynchronises
 * on every END byte, and a streaming transmitter that never buffers a whole frame. */
#ifndef HIL_FRAME_H
#define HIL_FRAME_H
#include <stddef.h>
#include <stdint.h>

typedef enum {
    HIL_RX_PENDING = 0, /* keep feeding bytes */
    HIL_RX_FRAME,       /* rx->buf holds a frame whose CRC checked: header + payload */
    HIL_RX_BAD,         /* a frame ended but was malformed: see rx->bad_reason */
} hil_rx_event;

typedef enum {
    HIL_BAD_NONE = 0,
    HIL_BAD_CRC = 1,
    HIL_BAD_SHORT = 2,
    HIL_BAD_ESCAPE = 3,
    HIL_BAD_OVERFLOW = 4,
} hil_bad_reason;

typedef struct {
    uint8_t *buf;      /* decoded bytes of the frame being received */
    size_t capacity;   /* header + max payload + CRC */
    size_t len;        /* decoded bytes of the frame in progress */
    size_t frame_len;  /* after HIL_RX_FRAME: header + payload (CRC stripped) */
    uint8_t escaped;
    uint8_t bad;       /* hil_bad_reason latched for the current frame */
    uint8_t bad_reason;
    uint16_t bad_seq;  /* after HIL_RX_BAD: the broken frame's seq, 0xFFFF if unknown */
    size_t bad_len;    /* after HIL_RX_BAD: decoded bytes received */
} hil_frame_rx;

void hil_frame_rx_init(hil_frame_rx *rx, uint8_t *buf, size_t capacity);
hil_rx_event hil_frame_rx_byte(hil_frame_rx *rx, uint8_t byte);

typedef void (*hil_write_fn)(const uint8_t *data, size_t len);

typedef struct {
    hil_write_fn write;
    uint32_t crc;
    size_t staged;
    uint8_t stage[64]; /* escaped bytes waiting for one write call */
} hil_frame_tx;

void hil_frame_tx_begin(hil_frame_tx *tx, hil_write_fn write, uint8_t type, uint8_t flags,
                        uint16_t seq);
void hil_frame_tx_write(hil_frame_tx *tx, const void *data, size_t len);
void hil_frame_tx_end(hil_frame_tx *tx);

#endif
