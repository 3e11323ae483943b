"""Which way vectors travel to a started target: through the debug connection's memory access
(QEMU's gdbstub, a board's GDB server, a pyOCD probe), or over the UART.

    --vectors-via auto    the debug connection when the board has one and the model's tensors are
                          not tiny (AUTO_MIN_BYTES), else the UART (default)
    --vectors-via debug   the debug connection, or a one-line error saying why not
    --vectors-via uart    the UART only (the debug connection is not opened)

In auto, a debug connection that cannot be opened (refused, no mailbox in the firmware) leaves
the session on the UART with one warning line; the run goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hil.boards.base import Session
from hil.errors import ConfigError, HilError
from hil.link.mailbox import MAILBOX_SYMBOL, DebugPath, TargetMemory

VECTORS_VIA = ("auto", "uart", "debug")
# Below this many input + output bytes per vector, auto keeps the UART: one RUN frame carries
# them, while memory access costs two more round trips (measured with bench.run on QEMU: 1-byte
# hello_world ran at 426 vectors/s over the UART, 254 through the gdbstub; 256-byte anomaly_ae
# at 56 and 92).
AUTO_MIN_BYTES = 64
UART_HINT = " (--vectors-via uart keeps vectors on the UART)"


def check_vectors_via(mode: str | None, board: str, has_debug: bool, how: str) -> str:
    """The mode to use: auto on a board without a debug connection is uart; debug there is refused
    here, before anything is built (`how` says how this board would get one)."""
    mode = mode or "auto"
    if mode not in VECTORS_VIA:
        raise ConfigError(f"--vectors-via {mode}: choose one of {', '.join(VECTORS_VIA)}")
    if mode == "debug" and not has_debug:
        raise ConfigError(f"--vectors-via debug: board '{board}' has no debug connection the harness can use; {how}, "
                          f"or use --vectors-via auto / uart")
    return mode if has_debug else "uart"


def elf_symbol(elf: Path, name: str) -> int | None:
    """The address of symbol `name` in the ELF, or None."""
    from elftools.elf.elffile import ELFFile
    from elftools.elf.sections import SymbolTableSection

    with open(elf, "rb") as f:
        symtab = ELFFile(f).get_section_by_name(".symtab")
        if not isinstance(symtab, SymbolTableSection):
            return None
        symbols = symtab.get_symbol_by_name(name)
        return symbols[0]["st_value"] if symbols else None


def attach_debug_path(session: Session, elf: Path, mode: str, connect: Callable[[], TargetMemory]) -> None:
    """Opens the debug connection (`connect`), reads the agent's mailbox and routes the session's
    vectors through it. In `auto` a failure leaves the UART in charge and adds a warning; in
    `debug` it raises (one line)."""
    ready = session.device.ready
    io_bytes = sum(spec.nbytes for spec in (*ready.inputs, *ready.outputs))
    if mode == "uart" or ready.status != 0 or (mode == "auto" and io_bytes < AUTO_MIN_BYTES):
        return
    try:
        address = elf_symbol(elf, MAILBOX_SYMBOL)
        if address is None:
            raise ConfigError(f"{elf.name} has no symbol {MAILBOX_SYMBOL}: a firmware built before the debug path "
                              f"(rebuild it from this checkout){UART_HINT}")
        memory = connect()
        try:
            session.device.debug = DebugPath.open(memory, address, ready)
        except BaseException:
            memory.close()
            raise
    except HilError as exc:
        if mode == "debug":
            raise
        session.warnings.append(f"{session.profile.name}: vectors go over the UART, the debug connection failed: {exc}")
