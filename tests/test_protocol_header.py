"""The wire format written once per side, held equal: firmware/agent/hil_protocol.h and
hil_frame.h (the agent's constants and the payload layouts commented beside each message)
against hil/link/protocol.py (and the error names in hil/errors.py), as ops.def is for the
operators. A message, code, flag or field added or changed on one side only fails here."""

from __future__ import annotations

import re
import struct

import pytest

from hil import paths
from hil.errors import ERROR_NAMES
from hil.link import protocol as p

AGENT = paths.firmware_dir() / "agent"
FIELD = re.compile(r"^(u8|u16|u32|u64|i8|i16|i32|f32) \S")
STRUCT_CODE = {"u8": "B", "u16": "H", "u32": "I", "u64": "Q", "i8": "b", "i16": "h", "i32": "i", "f32": "f"}


def header(name: str) -> str:
    return (AGENT / name).read_text()


def defines(text: str) -> dict[str, int]:
    return {m[1]: int(m[2], 0) for m in re.finditer(r"#define HIL_(\w+) (0x[0-9A-Fa-f]+|\d+)u?\b", text)}


def enum_entries(text: str, enum: str) -> dict[str, tuple[int, str]]:
    """{NAME: (value, the comment beside it)} of a C enum, comments spanning lines joined."""
    body = re.search(rf"enum {enum} \{{(.*?)\}};", text, re.S)
    assert body, f"no enum {enum}"
    entries = {}
    for m in re.finditer(r"(HIL_\w+)\s*=\s*(0x[0-9A-Fa-f]+|\d+),?\s*(/\*(.*?)\*/)?", body.group(1), re.S):
        comment = " ".join(line.strip().lstrip("*").strip() for line in (m[4] or "").splitlines())
        entries[m[1]] = (int(m[2], 0), comment.strip())
    return entries


def typedef_enum(text: str, name: str) -> dict[str, int]:
    body = re.search(rf"typedef enum \{{([^}}]*)\}} {name};", text)
    assert body, f"no typedef enum {name}"
    return {m[1]: int(m[2]) for m in re.finditer(r"(HIL_\w+) = (\d+)", body.group(1))}


def layout(comment: str) -> tuple[str, str]:
    """(head, tail) struct codes of a layout comment: the fixed fields before the first variable
    part, and those after the last one (all of them when nothing is variable)."""
    fields = [f.strip() for f in comment.split(":")[0].split(",")]
    fixed = [STRUCT_CODE[f.split()[0]] if FIELD.match(f) else None for f in fields if f]
    if None not in fixed:
        return "".join(fixed), ""
    first, last = fixed.index(None), len(fixed) - 1 - fixed[::-1].index(None)
    return "".join(fixed[:first]), "".join(fixed[last + 1:])


def codes(s: struct.Struct | None) -> str:
    """A struct's format with counts spelled out ("<9I" -> "IIIIIIIII")."""
    if s is None:
        return ""
    return "".join(c * int(n or 1) for n, c in re.findall(r"(\d*)([a-zA-Z?])", s.format.lstrip("<")))


MESSAGES = {**enum_entries(header("hil_protocol.h"), "hil_request"),
            **enum_entries(header("hil_protocol.h"), "hil_reply")}


def test_message_ids_are_the_same():
    assert {k.removeprefix("HIL_MSG_"): v for k, (v, _) in MESSAGES.items()} == {m.name: m.value for m in p.Msg}


@pytest.mark.parametrize("name", sorted(MESSAGES), ids=lambda n: n.removeprefix("HIL_MSG_"))
def test_payload_head_layout_is_the_same(name):
    value, comment = MESSAGES[name]
    head, tail = layout(comment)
    assert tail == "", f"{name}: fixed fields after a variable part are not read by the host"
    assert head == codes(p.HEADS.get(p.Msg(value))), f"{name}: /* {comment} */ vs protocol.HEADS"


def test_records_inside_payloads_are_the_same():
    records = {m[1]: m[2] for m in re.finditer(r"/\* record (\w+): (.*?) \*/", header("hil_protocol.h"))}
    assert records.keys() == {"profile_entry", "tensor_spec", "tensor_entry", "mailbox", "mailbox_tensor"}
    assert layout(records["profile_entry"]) == (codes(p.PROFILE_ENTRY), "")
    assert layout(records["tensor_spec"]) == (codes(p.TENSOR_SPEC_HEAD), codes(p.TENSOR_SPEC_TAIL))
    assert layout(records["tensor_entry"]) == (codes(p.TENSOR_ENTRY_HEAD), "")
    assert layout(records["mailbox"]) == (codes(p.MAILBOX_HEAD), "")
    assert layout(records["mailbox_tensor"]) == (codes(p.MAILBOX_TENSOR), "")


def test_constants_and_flags_are_the_same():
    d = defines(header("hil_protocol.h"))
    assert d["PROTOCOL_VERSION"] == p.PROTOCOL_VERSION
    assert (d["SLIP_END"], d["SLIP_ESC"]) == (p.END, p.ESC)
    assert bytes([d["SLIP_ESC"], d["SLIP_ESC_END"]]) == p._ESC_END
    assert bytes([d["SLIP_ESC"], d["SLIP_ESC_ESC"]]) == p._ESC_ESC
    assert (d["HEADER_BYTES"], d["CRC_BYTES"]) == (p.HEADER.size, p.CRC.size)
    assert d["DUPLICATE_FLAG"] == p.FLAG_DUPLICATE
    assert d["RUN_FLAG_OUTPUTS"] == p.RUN_FLAG_OUTPUTS
    assert d["RUN_IN_MEMORY"] == p.RUN_IN_MEMORY
    assert (d["MAILBOX_MAGIC"], d["MAILBOX_VERSION"]) == (p.MAILBOX_MAGIC, p.MAILBOX_VERSION)
    assert d["MODEL_STATEFUL"] == p.MODEL_STATEFUL
    assert (d["TENSOR_CONST"], d["TENSOR_ARENA"], d["TENSOR_VALID"]) == (p.TENSOR_CONST, p.TENSOR_ARENA,
                                                                         p.TENSOR_VALID)
    assert d["TENSORS_OWN_MEMORY"] == p.TENSORS_OWN_MEMORY
    assert defines((AGENT / "hil_agent.c").read_text())["MAX_REPEAT"] == p.MAX_REPEAT  # `hil run --repeat` bound


def test_error_codes_and_counter_kinds_are_the_same():
    errors = {k: v for k, (v, _) in enum_entries(header("hil_protocol.h"), "hil_error").items()}
    assert errors.pop("HIL_OK") == 0
    assert {v: k.removeprefix("HIL_ERR_").replace("_", " ").lower() for k, v in errors.items()} == ERROR_NAMES
    kinds = {k: v for k, (v, _) in enum_entries(header("hil_protocol.h"), "hil_counter_kind").items()}
    assert {k.removeprefix("HIL_COUNTER_"): v for k, v in kinds.items()} == {k.name: k.value for k in p.CounterKind}


def test_nak_reason_is_the_frame_receivers():
    assert typedef_enum(header("hil_frame.h"), "hil_bad_reason")["HIL_BAD_OVERFLOW"] == p.NAK_OVERFLOW


def test_the_reader_sees_a_changed_layout():
    """The layout reader itself: a field added to a comment changes what it reads."""
    assert layout("u16 repeat, u16 0, all inputs concatenated (or none)") == ("HH", "")
    assert layout("u16 repeat, u32 extra, u16 0, data") == ("HIH", "")
    assert layout("u8 dtype, u8 ndim, ndim x i32 dims, f32 scale, i32 zero_point, u32 bytes") == ("BB", "fiI")
    assert layout("u32 reply_len, any bytes: answered with reply_len bytes") == ("I", "")
