"""Putting a firmware image on a board: pyOCD's Python API, or any GDB server through GDB.

Both leave the target running the new image from its reset vector. The serial backend opens
the board's serial port before flashing, so the READY frame sent at boot is not missed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from hil.errors import Category, ConfigError, HilError

GDB_CANDIDATES = ("gdb-multiarch", "arm-none-eabi-gdb")
VTOR = 0xE000ED08


class FlashError(HilError):
    category = Category.FLASH_FAILED


class Flasher(Protocol):
    name: str

    def check(self) -> None:
        """Raises ConfigError when the flasher cannot work here (tool missing, option missing)."""
        ...

    def flash(self, elf: Path) -> None: ...


class NoFlasher:
    """`--flasher none`: the board already runs the firmware."""

    name = "none"

    def check(self) -> None:
        pass

    def flash(self, elf: Path) -> None:
        pass


# ---------------------------------------------------------------- vector table


def vector_table(elf: Path) -> tuple[int, int, int]:
    """(address, initial SP, reset handler) of the ELF's vector table: the section .vectors or
    .isr_vector (STM32Cube), else the start of the lowest loadable segment."""
    from elftools.elf.elffile import ELFFile

    with open(elf, "rb") as f:
        image = ELFFile(f)
        base = None
        for name in (".vectors", ".isr_vector"):
            section = image.get_section_by_name(name)
            if section is not None and section["sh_size"] >= 8:
                base, data = section["sh_addr"], section.data()[:8]
                break
        if base is None:
            loads = sorted((s for s in image.iter_segments() if s["p_type"] == "PT_LOAD" and s["p_filesz"] >= 8),
                           key=lambda s: s["p_paddr"])
            if not loads:
                raise FlashError(f"{elf} has no loadable code")
            base, data = loads[0]["p_paddr"], loads[0].data()[:8]
    sp, reset = int.from_bytes(data[:4], "little"), int.from_bytes(data[4:8], "little")
    if not reset & 1 or sp & 3:
        raise FlashError(f"{elf}: no Cortex-M vector table at 0x{base:08x} (SP 0x{sp:08x}, reset 0x{reset:08x})")
    return base, sp, reset


# ---------------------------------------------------------------- GDB


def find_gdb(explicit: str | None = None) -> str:
    for name in ([explicit] if explicit else []) + list(GDB_CANDIDATES):
        path = shutil.which(name)
        if path:
            return path
    raise ConfigError("--flasher gdb needs gdb-multiarch or arm-none-eabi-gdb: apt-get install gdb-multiarch "
                      "(or install the Arm GNU toolchain), or use --flasher pyocd")


GDB_ERRORS = re.compile(r"(Connection refused|Connection timed out|Connection reset|Remote communication error|"
                        r"Remote connection closed|Load failed|Cannot access memory|not responding|"
                        r"Could not connect|No such file|Error (writing|erasing|finishing)|Remote failure reply|"
                        r"Malformed response|can't do that when your target is)", re.I)


@dataclass
class GdbFlasher:
    """Flashes through the GDB remote protocol (OpenOCD, pyOCD gdbserver, ST-LINK gdbserver,
    QEMU -gdb): connect, `before_load` commands (a monitor reset where the server has one),
    load, then start from the reset vector (xPSR.T, SP, PC and VTOR from the ELF's vector
    table, which needs no server-specific reset command) and detach, leaving it running."""

    remote: str
    before_load: list[str] = field(default_factory=list)
    target_kind: str = "extended-remote"
    gdb: str | None = None
    timeout: float = 180.0
    name: str = "gdb"

    def check(self) -> None:
        if not self.remote:
            raise ConfigError("--flasher gdb needs --gdb-remote HOST:PORT (the GDB server of OpenOCD, pyOCD "
                              "gdbserver, ST-LINK gdbserver or QEMU -gdb)")
        find_gdb(self.gdb)

    def command(self, elf: Path) -> list[str]:
        base, sp, reset = vector_table(elf)
        script = ["set pagination off", "set confirm off", "set remotetimeout 10", "set tcp connect-timeout 5",
                  f"target {self.target_kind} {self.remote}", *self.before_load, "load",
                  # The Thumb bit: QEMU and pyOCD call the register xpsr, OpenOCD xPSR (an unknown
                  # name only sets a GDB convenience variable, so both are harmless).
                  "set $xpsr = 0x01000000", "set $xPSR = 0x01000000",
                  f"set $sp = {sp:#x}", f"set $pc = {reset & ~1:#x}",
                  f"set *(unsigned int *){VTOR:#x} = {base:#x}", "detach"]
        cmd = [find_gdb(self.gdb), "-nx", "-batch"]
        for line in script:
            cmd += ["-ex", line]
        return cmd + [str(elf)]

    def flash(self, elf: Path) -> None:
        cmd = self.command(elf)
        try:
            result = subprocess.run(cmd, capture_output=True, text=True, timeout=self.timeout,
                                    stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise FlashError(f"GDB did not finish flashing through {self.remote} within {self.timeout:.0f} s") from None
        check_gdb_output(result.stdout + result.stderr, self.remote)


def check_gdb_output(output: str, remote: str) -> None:
    """Raises FlashError unless GDB's output shows a completed load and no transport error."""
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    errors = [ln for ln in lines if GDB_ERRORS.search(ln)]
    if errors:
        raise FlashError(f"flashing through GDB server {remote} failed: {errors[0]}")
    if not any(ln.startswith("Start address") or ln.startswith("Transfer rate") for ln in lines):
        tail = " | ".join(lines[-3:]) or "no output"
        raise FlashError(f"flashing through GDB server {remote} failed: GDB did not report a completed load ({tail})")


# ---------------------------------------------------------------- pyOCD


@dataclass
class PyocdFlasher:
    """Flashes and resets through pyOCD's Python API with the chosen probe and target type."""

    target: str | None = None
    probe: str | None = None
    frequency: int | None = None
    progress: Callable[[str], None] | None = None
    name: str = "pyocd"

    def check(self) -> None:
        try:
            import pyocd  # noqa: F401
        except ImportError:
            raise ConfigError("--flasher pyocd needs pyOCD: pip install pyocd (or use --flasher gdb / none)") from None

    def choose_probe(self):
        """The one connected probe (matching --probe), or a one-line error saying what was found."""
        from pyocd.core.helpers import ConnectHelper

        probes = ConnectHelper.get_all_connected_probes(blocking=False, unique_id=self.probe,
                                                        print_wait_message=False)
        wanted = f" matching --probe {self.probe}" if self.probe else ""
        if not probes:
            raise FlashError(f"pyOCD found no debug probe{wanted}: plug in the board's ST-LINK/CMSIS-DAP USB "
                             f"(and check udev permissions); `pyocd list` shows what pyOCD sees")
        if len(probes) > 1:
            found = ", ".join(f"{p.unique_id} ({p.description})" for p in probes)
            raise FlashError(f"pyOCD found {len(probes)} debug probes{wanted}: {found}; choose one with --probe UID")
        return probes[0]

    def flash(self, elf: Path) -> None:
        from pyocd.core.exceptions import Error as PyocdError
        from pyocd.core.exceptions import TargetSupportError
        from pyocd.core.helpers import ConnectHelper
        from pyocd.flash.file_programmer import FileProgrammer

        probe = self.choose_probe()
        options = {"target_override": self.target} if self.target else {}
        if self.frequency:
            options["frequency"] = self.frequency
        what = f"probe {probe.unique_id}" + (f", target {self.target}" if self.target else "")
        try:
            session = ConnectHelper.session_with_chosen_probe(blocking=False, return_first=True,
                                                              unique_id=probe.unique_id, options=options)
            if session is None:
                raise FlashError(f"pyOCD lost debug probe {probe.unique_id} before connecting")
            with session:
                if self.progress:
                    self.progress(f"flashing {elf.name} with pyOCD ({what})")
                FileProgrammer(session).program(str(elf), file_format="elf")
                session.target.reset()
        except PyocdError as exc:
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if isinstance(exc, TargetSupportError) and self.target:
                hint = f" (`pyocd pack install {self.target}` adds its support)"
            else:
                hint = "" if self.target else " (if the target was not recognised, pass --target, e.g. stm32f446re)"
            raise FlashError(f"pyOCD could not flash {elf.name} ({what}): {detail}{hint}") from None
