"""Frame encoding and decoding round trips, resynchronisation, READY parsing."""

import struct
import zlib

import numpy as np
import pytest

from hil.errors import ProtocolError
from hil.link.protocol import BadFrame, FrameDecoder, Msg, decode_body, encode, parse_ready, parse_ticks, run_payload

SPECIAL = bytes([0xC0, 0xDB, 0xDC, 0xDD, 0xC0, 0xC0, 0xDB, 0xDB])


@pytest.mark.parametrize("payload", [b"", b"abc", SPECIAL, bytes(range(256)) * 40])
def test_round_trip(payload):
    wire = encode(Msg.SET_INPUT, 0x1234, payload, flags=1)
    assert wire[0] == 0xC0 and wire[-1] == 0xC0 and 0xC0 not in wire[1:-1]
    frame = decode_body(wire[1:-1])
    assert (frame.type, frame.seq, frame.flags, frame.payload) == (Msg.SET_INPUT, 0x1234, 1, payload)


def test_crc_is_zlib_crc32_of_header_and_payload():
    wire = encode(Msg.ECHO, 7, b"hi")
    body = wire[1:-1]
    assert struct.unpack("<I", body[-4:])[0] == zlib.crc32(body[:-4])


def test_corrupted_frame_is_rejected_and_stream_resynchronises():
    good1, good2 = encode(Msg.ECHO, 1, b"one"), encode(Msg.ECHO, 2, b"two")
    broken = bytearray(encode(Msg.ECHO, 3, b"three"))
    broken[6] ^= 0x40  # a bit flip inside the payload
    decoder = FrameDecoder()
    items = decoder.feed(b"\x00noise\xff" + good1 + bytes(broken) + good2)
    frames = [i for i in items if not isinstance(i, BadFrame)]
    assert [f.payload for f in frames] == [b"one", b"two"]
    assert decoder.bad_frames == 2  # the leading noise and the flipped frame


def test_frames_split_across_reads():
    wire = encode(Msg.RUN_RESULT, 9, bytes(range(200)))
    decoder = FrameDecoder()
    got = []
    for i in range(0, len(wire), 7):
        got += decoder.feed(wire[i:i + 7])
    assert len(got) == 1 and got[0].payload == bytes(range(200))


def test_invalid_escape_is_a_bad_frame():
    with pytest.raises(BadFrame):
        decode_body(b"\x01\x00\x01\x00\xdb\x41\x00\x00\x00\x00")


def test_parse_ticks_and_run_payload():
    payload = struct.pack("<HH3Q", 3, 1, 10, 11, 12) + b"out"
    ticks, flags, pos = parse_ticks(payload)
    assert ticks == [10, 11, 12] and flags == 1 and payload[pos:] == b"out"
    assert run_payload(2, b"ab") == b"\x02\x00\x00\x00ab"


def test_ready_round_trip():
    head = struct.pack("<BBHIIIIIBBBB", 1, 1, 8192, 25_000_000, 25_000_000, 2 << 20, 1752, 3464, 0, 1, 1, 0)
    strings = b"".join(bytes([len(s)]) + s for s in (b"mps2_an386", b"builtin", b""))
    spec = bytes([9, 2]) + struct.pack("<2i", 1, 1) + struct.pack("<fiI", 0.5, -128, 1)
    ready = parse_ready(head + bytes(range(32)) + strings + spec + spec)
    assert ready.board == "mps2_an386" and ready.engine == "builtin" and ready.max_payload == 8192
    assert ready.inputs[0].shape == (1, 1) and ready.inputs[0].np_dtype == np.int8
    assert ready.outputs[0].zero_point == -128 and ready.model_sha256 == bytes(range(32)).hex()


def test_ready_keeps_input_and_output_counts_apart():
    head = struct.pack("<BBHIIIIIBBBB", 1, 1, 8192, 25_000_000, 25_000_000, 2 << 20, 1752, 3464, 0, 2, 1, 0)
    strings = b"".join(bytes([len(s)]) + s for s in (b"mps2_an386", b"builtin", b""))

    def spec(dtype: int, dims: tuple[int, ...], nbytes: int) -> bytes:
        return bytes([dtype, len(dims)]) + struct.pack(f"<{len(dims)}i", *dims) + struct.pack("<fiI", 0.5, 0, nbytes)

    ready = parse_ready(head + bytes(32) + strings + spec(9, (1, 3), 3) + spec(7, (1, 5), 10) + spec(0, (1, 2), 8))
    assert [s.shape for s in ready.inputs] == [(1, 3), (1, 5)] and [s.shape for s in ready.outputs] == [(1, 2)]
    assert [s.np_dtype for s in ready.inputs] == [np.int8, np.int16] and ready.outputs[0].np_dtype == np.float32


def test_truncated_ready_names_the_field_it_ends_in():
    with pytest.raises(ProtocolError, match="READY frame of 2 bytes ends inside its header .*at least 28 bytes"):
        parse_ready(b"\x01\x01")
