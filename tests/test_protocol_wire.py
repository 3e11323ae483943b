"""The wire format's edges that the round trips do not reach: the dtype tables against TFLite's
schema, request payload layouts field by field, the frame decoder's limits and counters, and
the parsers of replies other than READY (tensor list, profile, fault, memory info)."""

import dataclasses
import struct

import numpy as np
import pytest
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from hil.errors import ProtocolError
from hil.link import protocol as p
from hil.link.protocol import HEADS, BadFrame, FrameDecoder, Msg, decode_body, encode


def test_dtype_tables_are_tflites_tensor_types():
    assert p.TFLITE_DTYPES.keys() == p.TFLITE_DTYPE_NAMES.keys()
    for code, name in p.TFLITE_DTYPE_NAMES.items():
        assert getattr(schema.TensorType, name.upper()) == code, name
        assert np.dtype(p.TFLITE_DTYPES[code]).name == name, name


def test_unknown_tensor_type_reads_as_bytes_and_is_named_by_its_code():
    spec = p.TensorSpec(5, (1, 4), 1.0, 0, 4)  # 5: STRING, never announced by the agent
    assert spec.np_dtype == np.dtype(np.uint8) and spec.dtype_name == "type5"
    assert p.TensorSpec(9, (1,), 1.0, 0, 1).np_dtype == np.dtype(np.int8)


def test_request_payloads_put_each_field_where_the_agent_reads_it():
    head = HEADS[Msg.SET_INPUT]
    payload = p.set_input_payload(3, 1000, b"abc")
    assert head.unpack_from(payload) == (3, 0, 0, 1000) and payload[head.size:] == b"abc"
    assert HEADS[Msg.GET_OUTPUT].unpack(p.get_output_payload(2, 64, 512)) == (2, 0, 0, 64, 512)
    assert HEADS[Msg.GET_TENSOR].unpack(p.get_tensor_payload(7, 16, 256)) == (7, 0, 16, 256)
    transfer = p.transfer_payload(40, b"xyz")
    assert HEADS[Msg.TRANSFER].unpack_from(transfer) == (40,) and transfer[HEADS[Msg.TRANSFER].size:] == b"xyz"
    assert HEADS[Msg.INVOKE].unpack(p.invoke_payload(5)) == (5,)
    assert HEADS[Msg.PROFILE].unpack(p.profile_payload(9)) == (9,)
    assert HEADS[Msg.LIST_TENSORS].unpack(p.list_tensors_payload(11)) == (11,)
    assert HEADS[Msg.CALIBRATE].unpack(p.calibrate_payload(1_000_000)) == (1_000_000,)


def test_frames_default_to_no_flags_and_cannot_be_changed():
    frame = decode_body(encode(Msg.ECHO, 1, b"x")[1:-1])
    assert frame.flags == 0 and p.Frame(Msg.ECHO, 1, b"").flags == 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        frame.seq = 2


def test_a_chunk_shorter_than_header_and_crc_is_a_bad_frame():
    for chunk in (b"\x01", b"\x01\x00\x01", bytes(p.HEADER.size + p.CRC.size - 1)):
        with pytest.raises(BadFrame, match="shorter than header and CRC"):
            decode_body(chunk)
    decoder = FrameDecoder()
    assert isinstance(decoder.feed(b"\xc0abc\xc0")[0], BadFrame) and decoder.bad_frames == 1


def test_a_lone_escape_is_named_as_such():
    body = bytes(encode(Msg.ECHO, 1, b"ab")[1:-1])
    with pytest.raises(BadFrame, match="invalid SLIP escape"):
        decode_body(body[:4] + b"\xdb\x41" + body[4:])


def test_runaway_frame_is_dropped_only_beyond_the_buffer_limit():
    decoder = FrameDecoder(max_buffer=8)
    assert (decoder.noise_bytes, decoder.bad_frames) == (0, 0)
    decoder.feed(bytes(8))
    assert decoder.noise_bytes == 0  # exactly at the limit: kept
    decoder.feed(b"\x01")
    assert decoder.noise_bytes == 9 and decoder.take_pending() is None
    default = FrameDecoder()
    default.feed(bytes(1 << 20))
    assert default.noise_bytes == 0
    default.feed(b"\x01")
    assert default.noise_bytes == (1 << 20) + 1


def test_take_pending_decodes_a_frame_whose_last_end_was_lost():
    decoder = FrameDecoder()
    assert decoder.take_pending() is None
    assert decoder.feed(encode(Msg.ECHO, 4, b"tail")[:-1]) == []
    frame = decoder.take_pending()
    assert frame.payload == b"tail" and decoder.take_pending() is None
    decoder.feed(b"\xc0\x01\x02\x03\x04\x05\x06\x07\x08")
    assert isinstance(decoder.take_pending(), BadFrame) and decoder.bad_frames == 1


def _spec(dtype: int, dims: tuple[int, ...], nbytes: int) -> bytes:
    return bytes([dtype, len(dims)]) + struct.pack(f"<{len(dims)}i", *dims) + struct.pack("<fiI", 0.5, 0, nbytes)


def test_tensor_list_entries_are_numbered_from_the_first_index():
    names = (b"conv", b"logits")
    payload = HEADS[Msg.TENSOR_LIST].pack(40, 5, 2, p.TENSORS_OWN_MEMORY) + b"".join(
        p.TENSOR_ENTRY_HEAD.pack(flags, len(name)) + name + _spec(9, (1, 4), 4)
        for flags, name in zip((p.TENSOR_VALID | p.TENSOR_ARENA, p.TENSOR_CONST), names, strict=True))
    total, list_flags, first, entries = p.parse_tensor_list(payload)
    assert (total, list_flags, first) == (40, p.TENSORS_OWN_MEMORY, 5)
    assert [(e.index, e.name, e.valid) for e in entries] == [(5, "conv", True), (6, "logits", False)]


def test_profile_fault_and_memory_info_replies():
    profile = HEADS[Msg.PROFILE_DATA].pack(12, 0, 2, 0) + p.PROFILE_ENTRY.pack(0, 3, 900) + \
        p.PROFILE_ENTRY.pack(1, 9, 100)
    total, entries = p.parse_profile(profile)
    assert total == 12 and [(e.index, e.opcode, e.ticks) for e in entries] == [(0, 3, 900), (1, 9, 100)]
    fault = p.Fault.parse(HEADS[Msg.FAULT].pack(*range(3, 12)))
    assert (fault.exception, fault.pc, fault.exc_return) == (3, 8, 11)
    assert p.parse_memory_info(HEADS[Msg.MEMORY_INFO].pack(1, 1)).measured
    memory = p.parse_memory_info(HEADS[Msg.MEMORY_INFO].pack(0, 0))
    assert not memory.measured
    with pytest.raises(dataclasses.FrozenInstanceError):  # a reply, not a place to keep figures
        memory.stack_peak_bytes = 1


def _ready_up_to_specs(n_in: int, n_out: int, model_flags: int = 0) -> bytes:
    """A READY payload through its strings (the tensor specs follow)."""
    head = HEADS[Msg.READY].pack(p.PROTOCOL_VERSION, 1, 8192, 25_000_000, 25_000_000, 2 << 20, 1752, 3464, 0,
                                 n_in, n_out, model_flags)
    return head + bytes(32) + b"".join(bytes([len(s)]) + s for s in (b"mps2_an386", b"builtin", b""))


def test_truncated_ready_names_the_output_spec_it_ends_in():
    body = _ready_up_to_specs(2, 2) + _spec(9, (1, 3), 3) + _spec(9, (1, 3), 3)
    with pytest.raises(ProtocolError, match="input 1 spec"):
        p.parse_ready(body[:-4])
    with pytest.raises(ProtocolError, match="output 0 spec"):
        p.parse_ready(body + b"\x09")
    with pytest.raises(ProtocolError, match="output 1 spec"):
        p.parse_ready(body + _spec(9, (1, 3), 3) + b"\x09")


def test_sequence_numbers_wrap_at_16_bits_and_keep_every_bit():
    for seq, on_wire in ((0x2345, 0x2345), (0x12345, 0x2345), (0xFFFF, 0xFFFF), (0x10000, 0)):
        assert decode_body(encode(Msg.ECHO, seq)[1:-1]).seq == on_wire, hex(seq)


def test_ready_says_whether_the_model_keeps_state():
    assert p.parse_ready(_ready_up_to_specs(0, 0, p.MODEL_STATEFUL)).stateful is True
    assert p.parse_ready(_ready_up_to_specs(0, 0)).stateful is False
