"""Target memory through a pyOCD debug probe (ST-LINK, CMSIS-DAP, J-Link): the probe's memory
access port reads and writes RAM while the core runs, so nothing is stopped.

NOT VERIFIED: no debug probe can be attached to the machines this project is developed on, so
this adapter has never run. It follows pyOCD's documented Python API (ConnectHelper, Session,
connect_mode "attach", read_memory_block8 / write_memory_block8); the GDB path
(hil/link/gdb_remote.py), which is tested against QEMU, is the verified one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hil.boards.flashers import PyocdFlasher
from hil.errors import Category, HilError


class ProbeMemoryError(HilError):
    category = Category.PROTOCOL


@dataclass
class PyocdMemory:
    session: Any  # pyocd.core.session.Session, open
    remote: str
    advice: str = ""

    @classmethod
    def open(cls, flasher: PyocdFlasher, advice: str = "") -> PyocdMemory:
        """Attaches to the probe the flasher uses, without halting or resetting the target."""
        from pyocd.core.exceptions import Error as PyocdError
        from pyocd.core.helpers import ConnectHelper

        probe = flasher.choose_probe()
        options: dict[str, Any] = {"connect_mode": "attach"}
        if flasher.target:
            options["target_override"] = flasher.target
        if flasher.frequency:
            options["frequency"] = flasher.frequency
        remote = f"pyOCD probe {probe.unique_id}"
        try:
            session = ConnectHelper.session_with_chosen_probe(blocking=False, return_first=True,
                                                              unique_id=probe.unique_id, options=options)
            if session is None:
                raise ProbeMemoryError(f"{remote} went away before the harness could attach{advice}")
            session.open()
        except PyocdError as exc:
            raise ProbeMemoryError(f"{remote}: cannot attach for memory access ({_first_line(exc)}){advice}") from None
        return cls(session, remote, advice)

    # The memory access port works while the core runs: nothing is stopped.
    def read_blocks(self, blocks: list[tuple[int, int]]) -> list[bytes]:
        return [bytes(self._access("read", a, n, lambda t, a=a, n=n: t.read_memory_block8(a, n))) for a, n in blocks]

    def write_blocks(self, blocks: list[tuple[int, bytes]]) -> None:
        for a, data in blocks:
            self._access("write", a, len(data), lambda t, a=a, d=data: t.write_memory_block8(a, list(d)))

    def _access(self, what: str, address: int, length: int, op):
        from pyocd.core.exceptions import Error as PyocdError

        try:
            return op(self.session.board.target)
        except PyocdError as exc:
            raise ProbeMemoryError(f"{self.remote}: could not {what} {length} bytes at 0x{address:08x} "
                                   f"({_first_line(exc)}){self.advice}") from None

    def close(self) -> None:
        try:
            self.session.close()
        except Exception:  # noqa: BLE001 - a probe unplugged mid-run must not mask the real error
            pass


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
