/* The frame receiver's capacity: a frame of exactly `capacity` decoded bytes is received, one
 * byte more is an overflow that writes nothing past the buffer (checked with a guard byte, so
 * the test holds without AddressSanitizer too). */
#include <stdint.h>
#include <string.h>

#include "hil_crc32.h"
#include "hil_frame.h"
#include "hil_protocol.h"
#include "hil_test.h"

enum { CAPACITY = 16, GUARD = 0x5A };

static hil_rx_event feed(hil_frame_rx *rx, const uint8_t *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        CHECK_EQ_INT(hil_frame_rx_byte(rx, bytes[i]), HIL_RX_PENDING);
    return hil_frame_rx_byte(rx, HIL_SLIP_END);
}

/* `n` decoded bytes: a header and payload of 0x01.. and a valid CRC-32 trailer. */
static void frame_bytes(uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n - HIL_CRC_BYTES; i++)
        out[i] = (uint8_t)(i + 1);
    uint32_t crc = hil_crc32_update(0, out, n - HIL_CRC_BYTES);
    for (unsigned i = 0; i < HIL_CRC_BYTES; i++)
        out[n - HIL_CRC_BYTES + i] = (uint8_t)(crc >> (8 * i));
}

static void test_frame_of_exactly_capacity_is_received(void)
{
    uint8_t buf[CAPACITY + 1], bytes[CAPACITY];
    hil_frame_rx rx;
    buf[CAPACITY] = GUARD;
    hil_frame_rx_init(&rx, buf, CAPACITY);
    frame_bytes(bytes, CAPACITY);
    CHECK_EQ_INT(feed(&rx, bytes, CAPACITY), HIL_RX_FRAME);
    CHECK_EQ_INT(rx.frame_len, CAPACITY - HIL_CRC_BYTES);
    CHECK_EQ_INT(buf[CAPACITY], GUARD);
}

static void test_one_byte_over_capacity_is_an_overflow_that_writes_nothing_past_the_buffer(void)
{
    uint8_t buf[CAPACITY + 1], bytes[CAPACITY + 1];
    hil_frame_rx rx;
    buf[CAPACITY] = GUARD;
    hil_frame_rx_init(&rx, buf, CAPACITY);
    frame_bytes(bytes, CAPACITY + 1);
    CHECK_EQ_INT(feed(&rx, bytes, CAPACITY + 1), HIL_RX_BAD);
    CHECK_EQ_INT(rx.bad_reason, HIL_BAD_OVERFLOW);
    CHECK_EQ_INT(buf[CAPACITY], GUARD);
    /* the receiver resynchronises: the next frame is received */
    frame_bytes(bytes, CAPACITY);
    CHECK_EQ_INT(feed(&rx, bytes, CAPACITY), HIL_RX_FRAME);
}

/* Raw bytes (no SLIP escaping) then END. */
static hil_rx_event feed_raw(hil_frame_rx *rx, const uint8_t *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        hil_frame_rx_byte(rx, bytes[i]);
    return hil_frame_rx_byte(rx, HIL_SLIP_END);
}

static void test_frames_shorter_than_header_and_crc_are_short(void)
{
    uint8_t buf[CAPACITY], bytes[HIL_HEADER_BYTES + HIL_CRC_BYTES];
    hil_frame_rx rx;
    hil_frame_rx_init(&rx, buf, CAPACITY);
    frame_bytes(bytes, sizeof bytes);
    CHECK_EQ_INT(feed(&rx, bytes, sizeof bytes), HIL_RX_FRAME); /* an empty payload is a frame */
    CHECK_EQ_INT(feed(&rx, bytes, sizeof bytes - 1), HIL_RX_BAD);
    CHECK_EQ_INT(rx.bad_reason, HIL_BAD_SHORT);
}

static void test_a_changed_byte_fails_the_crc(void)
{
    uint8_t buf[CAPACITY], bytes[12];
    hil_frame_rx rx;
    hil_frame_rx_init(&rx, buf, CAPACITY);
    frame_bytes(bytes, sizeof bytes);
    bytes[5] ^= 0x10;
    CHECK_EQ_INT(feed(&rx, bytes, sizeof bytes), HIL_RX_BAD);
    CHECK_EQ_INT(rx.bad_reason, HIL_BAD_CRC);
}

static void test_escaped_end_and_esc_decode_to_themselves(void)
{
    uint8_t buf[CAPACITY];
    hil_frame_rx rx;
    hil_frame_rx_init(&rx, buf, CAPACITY);
    uint8_t payload[4] = {0x81, 0, HIL_SLIP_END, HIL_SLIP_ESC}; /* header-sized body: END and ESC inside */
    uint32_t crc = hil_crc32_update(0, payload, sizeof payload);
    uint8_t wire[] = {0x81, 0, HIL_SLIP_ESC, HIL_SLIP_ESC_END, HIL_SLIP_ESC, HIL_SLIP_ESC_ESC,
                      (uint8_t)crc, (uint8_t)(crc >> 8), (uint8_t)(crc >> 16), (uint8_t)(crc >> 24)};
    CHECK_EQ_INT(feed_raw(&rx, wire, sizeof wire), HIL_RX_FRAME);
    CHECK(memcmp(buf, payload, sizeof payload) == 0);
}

static void test_a_bad_escape_spoils_the_frame_and_keeps_its_reason(void)
{
    uint8_t buf[CAPACITY], wire[CAPACITY + 8];
    hil_frame_rx rx;
    hil_frame_rx_init(&rx, buf, CAPACITY);
    memset(wire, 0x11, sizeof wire);
    wire[2] = HIL_SLIP_ESC;
    wire[3] = 0x42; /* neither ESC_END nor ESC_ESC */
    /* the bytes after the bad escape would overflow the buffer: they are dropped, not counted */
    CHECK_EQ_INT(feed_raw(&rx, wire, sizeof wire), HIL_RX_BAD);
    CHECK_EQ_INT(rx.bad_reason, HIL_BAD_ESCAPE);
}

int main(void)
{
    test_frame_of_exactly_capacity_is_received();
    test_one_byte_over_capacity_is_an_overflow_that_writes_nothing_past_the_buffer();
    test_frames_shorter_than_header_and_crc_are_short();
    test_a_changed_byte_fails_the_crc();
    test_escaped_end_and_esc_decode_to_themselves();
    test_a_bad_escape_spoils_the_frame_and_keeps_its_reason();
    TEST_MAIN_END();
}
