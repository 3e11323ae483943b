"""Vectors through the debug connection: the harness writes inputs into and reads outputs from
target RAM (a GDB server's or a probe's memory access), where the agent's mailbox says each
tensor lives; the UART carries only the short RUN request and its ticks (docs/protocol.md).

Memory is touched only between requests, while the agent waits for the next one, never while an
inference is measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from hil.errors import Category, HilError
from hil.link.protocol import MAILBOX_HEAD, MAILBOX_MAGIC, MAILBOX_TENSOR, MAILBOX_VERSION, Ready

MAILBOX_SYMBOL = "hil_mailbox"  # the agent's mailbox, found in the firmware ELF's symbol table
MAX_TENSORS = 32  # 2 x HIL_MAX_IO (firmware/agent/hil_agent.h)
WRITTEN_OFFSET = 8  # inputs_written, after magic, version and the two counts
WRITTEN = (1).to_bytes(4, "little")


class TargetMemory(Protocol):
    """Memory access through a debug connection (hil.link.gdb_remote.GdbRemote, a pyOCD session)."""

    remote: str

    def read_blocks(self, blocks: list[tuple[int, int]]) -> list[bytes]:
        """Each (address, length) block; the core stopped meanwhile where the access method needs it
        (all-stop GDB servers) and running again afterwards."""
        ...

    def write_blocks(self, blocks: list[tuple[int, bytes]]) -> None:
        """Each (address, data) block written, in order (stopping the core as read_blocks does)."""
        ...

    def close(self) -> None: ...


class MailboxError(HilError):
    category = Category.PROTOCOL


@dataclass(frozen=True)
class Mailbox:
    address: int
    inputs: list[tuple[int, int]]  # (address, bytes) of each input tensor
    outputs: list[tuple[int, int]]


def parse_mailbox(address: int, data: bytes, ready: Ready) -> Mailbox:
    """The mailbox read at `address`, checked against what READY announced."""
    magic, version, n_in, n_out, _ = MAILBOX_HEAD.unpack_from(data)
    where = f"the mailbox at 0x{address:08x} (symbol {MAILBOX_SYMBOL})"
    if magic != MAILBOX_MAGIC or version != MAILBOX_VERSION:
        raise MailboxError(f"{where} holds magic 0x{magic:08x} version {version}, not a version {MAILBOX_VERSION} "
                           f"mailbox: the firmware was not built from this checkout, or the debug connection "
                           f"reads another target's memory")
    tensors = [MAILBOX_TENSOR.unpack_from(data, MAILBOX_HEAD.size + i * MAILBOX_TENSOR.size)
               for i in range(n_in + n_out)]
    specs = [*ready.inputs, *ready.outputs]
    if (n_in, n_out) != (len(ready.inputs), len(ready.outputs)) or any(
            size != spec.nbytes or not addr for (addr, size), spec in zip(tensors, specs, strict=True)):
        raise MailboxError(f"{where} names {n_in} inputs and {n_out} outputs ({tensors}), which is not what the "
                           f"firmware's READY announced: rebuild the firmware from this checkout")
    return Mailbox(address, tensors[:n_in], tensors[n_in:])


@dataclass
class DebugPath:
    """A connected target's mailbox and the memory access that reaches it."""

    memory: TargetMemory
    mailbox: Mailbox

    @classmethod
    def open(cls, memory: TargetMemory, address: int, ready: Ready) -> DebugPath:
        [data] = memory.read_blocks([(address, MAILBOX_HEAD.size + MAX_TENSORS * MAILBOX_TENSOR.size)])
        return cls(memory, parse_mailbox(address, data, ready))

    def write_inputs(self, blobs: list[bytes]) -> None:
        """Every input into its tensor's memory, then the mark that they were written."""
        inputs = [(address, blob) for (address, _), blob in zip(self.mailbox.inputs, blobs, strict=True)]
        self.memory.write_blocks([*inputs, (self.mailbox.address + WRITTEN_OFFSET, WRITTEN)])

    def read_outputs(self) -> list[bytes]:
        return self.memory.read_blocks(self.mailbox.outputs)

    def close(self) -> None:
        self.memory.close()
