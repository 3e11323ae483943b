"""Fault triage: a FAULT frame (hil.link.protocol.Fault: the Cortex-M fault status registers and the
stacked PC/LR the firmware's fault handler sent) decoded into what a user can act on: the
exception, the CFSR/HFSR bits by name, the faulting address when the core latched one, and the
PC and LR symbolised to function and file:line with arm-none-eabi-addr2line.

    result = triage(fault, elf)
    result.one_line()   # for a pytest failure message
    result.to_dict()    # for stored results

Register layout: ARMv7-M / ARMv8-M mainline (Cortex-M3/M4/M7/M33/M55).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from hil import paths
from hil.errors import Category
from hil.link.protocol import Fault

ADDR2LINE = "arm-none-eabi-addr2line"

EXCEPTIONS = {1: "Reset", 2: "NMI", 3: "HardFault", 4: "MemManage", 5: "BusFault", 6: "UsageFault",
              7: "SecureFault", 11: "SVCall", 12: "DebugMonitor", 14: "PendSV", 15: "SysTick"}

# CFSR = UFSR[31:16] | BFSR[15:8] | MMFSR[7:0]: bit -> (name, what it means).
CFSR_BITS = {
    0: ("IACCVIOL", "instruction fetch from a no-execute or protected region"),
    1: ("DACCVIOL", "data access violates the MPU"),
    3: ("MUNSTKERR", "MPU fault while unstacking an exception return"),
    4: ("MSTKERR", "MPU fault while stacking for an exception (stack overflow?)"),
    5: ("MLSPERR", "MPU fault during lazy floating-point state preservation"),
    7: ("MMARVALID", "MMFAR holds the faulting address"),
    8: ("IBUSERR", "bus error on an instruction fetch"),
    9: ("PRECISERR", "precise data bus error"),
    10: ("IMPRECISERR", "imprecise data bus error (the PC is later than the faulting store)"),
    11: ("UNSTKERR", "bus error while unstacking an exception return"),
    12: ("STKERR", "bus error while stacking for an exception (stack overflow?)"),
    13: ("LSPERR", "bus error during lazy floating-point state preservation"),
    15: ("BFARVALID", "BFAR holds the faulting address"),
    16: ("UNDEFINSTR", "undefined instruction"),
    17: ("INVSTATE", "invalid execution state (a branch to an address without the Thumb bit?)"),
    18: ("INVPC", "invalid EXC_RETURN on exception return"),
    19: ("NOCP", "coprocessor instruction with the coprocessor disabled (FPU not enabled?)"),
    20: ("STKOF", "stack pointer limit violated"),
    24: ("UNALIGNED", "unaligned access with unaligned trapping enabled"),
    25: ("DIVBYZERO", "integer division by zero with DIV_0_TRP enabled"),
}
HFSR_BITS = {
    1: ("VECTTBL", "bus fault reading the vector table"),
    30: ("FORCED", "a configurable fault escalated to HardFault (its handler disabled, or a fault inside it)"),
    31: ("DEBUGEVT", "debug event while the debugger was not enabled"),
}
VALID_BITS = {"MMARVALID", "BFARVALID"}


def bit_names(value: int, table: dict[int, tuple[str, str]]) -> list[str]:
    return [name for bit, (name, _) in sorted(table.items()) if value >> bit & 1]


def _meaning(name: str) -> str:
    for table in (CFSR_BITS, HFSR_BITS):
        for bit_name, meaning in table.values():
            if bit_name == name:
                return meaning
    return name


@dataclass(frozen=True)
class Location:
    address: int
    function: str | None = None
    file_line: str | None = None

    def describe(self) -> str:
        if self.function is None:
            return f"0x{self.address:08x}"
        where = f" ({self.file_line})" if self.file_line else ""
        return f"0x{self.address:08x} {self.function}{where}"


@functools.cache
def _addr2line_tool() -> str | None:
    return shutil.which(ADDR2LINE)


def symbolise(elf: Path | None, addresses: list[int]) -> list[Location]:
    """Function and file:line of each code address (Thumb bit ignored); unknown ones stay bare."""
    tool = _addr2line_tool()
    bare = [Location(a) for a in addresses]
    if tool is None or elf is None or not Path(elf).is_file() or not addresses:
        return bare
    try:
        out = subprocess.run([tool, "-f", "-e", str(elf), *(f"0x{a & ~1:x}" for a in addresses)],
                             capture_output=True, text=True, timeout=30, check=True).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return bare
    result = []
    for i, address in enumerate(addresses):
        function, file_line = (out[2 * i:2 * i + 2] + ["??", "??:0"])[:2]
        if function == "??":
            result.append(Location(address))
            continue
        result.append(Location(address, function, None if file_line.startswith("??") else _short_path(file_line)))
    return result


def _short_path(file_line: str) -> str:
    """file:line relative to the checkout when the file is inside it."""
    path, _, line = file_line.partition(" ")[0].rpartition(":")
    try:
        path = str(Path(path).resolve().relative_to(paths.REPO_ROOT))
    except ValueError:
        pass
    return f"{path}:{line}"


@dataclass
class Triage:
    fault: Fault
    exception_name: str
    cfsr_bits: list[str]
    hfsr_bits: list[str]
    mmfar: int | None
    bfar: int | None
    pc: Location
    lr: Location
    notes: list[str] = field(default_factory=list)

    @property
    def cause(self) -> str:
        """The most specific reason: the first status bit that is not just 'address valid'."""
        for name in self.cfsr_bits + self.hfsr_bits:
            if name not in VALID_BITS and name != "FORCED":
                return _meaning(name)
        if "FORCED" in self.hfsr_bits:
            return _meaning("FORCED")
        if self.is_watchdog:
            return "watchdog expired (its NMI): the firmware hung here"
        return "no fault status bit set"

    @property
    def is_watchdog(self) -> bool:
        """An NMI without fault status: on the supported boards only a watchdog raises it."""
        return self.fault.exception == 2 and not self.cfsr_bits and not self.hfsr_bits

    def one_line(self) -> str:
        bits = ", ".join(self.cfsr_bits + [f"HFSR.{b}" for b in self.hfsr_bits]) or "no status bits"
        address = ""
        if self.bfar is not None:
            address = f" at address 0x{self.bfar:08x}"
        elif self.mmfar is not None:
            address = f" at address 0x{self.mmfar:08x}"
        return (f"{self.exception_name} [{bits}]: {self.cause}{address}; PC {self.pc.describe()}, "
                f"LR {self.lr.describe()}" + "".join(f"; {n}" for n in self.notes))

    def to_dict(self) -> dict:
        f = self.fault
        return {"exception": f.exception, "exception_name": self.exception_name, "cause": self.cause,
                "watchdog": self.is_watchdog,
                "cfsr": f.cfsr, "cfsr_bits": self.cfsr_bits, "hfsr": f.hfsr, "hfsr_bits": self.hfsr_bits,
                "mmfar": self.mmfar, "bfar": self.bfar, "pc": f.pc, "pc_function": self.pc.function,
                "pc_location": self.pc.file_line, "lr": f.lr, "lr_function": self.lr.function,
                "lr_location": self.lr.file_line, "xpsr": f.xpsr, "exc_return": f.exc_return,
                "notes": list(self.notes)}


def triage(fault: Fault, elf: Path | None = None) -> Triage:
    """Decodes a FAULT frame; with the firmware's ELF, symbolises PC and LR."""
    cfsr_bits = bit_names(fault.cfsr, CFSR_BITS)
    hfsr_bits = bit_names(fault.hfsr, HFSR_BITS)
    notes = []
    lr_is_exc_return = fault.lr >= 0xFFFFFF00
    code = [fault.pc] + ([] if lr_is_exc_return else [fault.lr])
    located = symbolise(elf, code)
    lr = Location(fault.lr) if lr_is_exc_return else located[1]
    if lr_is_exc_return:
        notes.append("LR is an EXC_RETURN value: the fault happened inside an exception handler")
    if elf is None:
        notes.append("no ELF given: addresses not symbolised")
    elif _addr2line_tool() is None:
        notes.append(f"{ADDR2LINE} not found: addresses not symbolised")
    return Triage(fault, EXCEPTIONS.get(fault.exception, f"exception {fault.exception}"), cfsr_bits, hfsr_bits,
                  fault.mmfar if "MMARVALID" in cfsr_bits else None,
                  fault.bfar if "BFARVALID" in cfsr_bits else None, located[0], lr, notes)


def explain_fault(exc, elf: Path | None = None):
    """The TargetFault `exc` decoded: its one-line message and details, category hard-fault, or
    timeout when a watchdog caught a hang (the PC then says where the firmware hung)."""
    from hil.link.client import TargetFault

    result = triage(exc.fault, elf)
    if result.is_watchdog:
        decoded = TargetFault(exc.fault, f"hang caught by the watchdog: {result.one_line()}")
        decoded.category = Category.TIMEOUT
    else:
        decoded = TargetFault(exc.fault, f"hard fault on the target: {result.one_line()}")
    decoded.details = result.to_dict()
    return decoded
