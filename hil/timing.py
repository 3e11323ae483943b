"""Counter ticks to cycles and latency, with provenance; timeouts derived from expected work."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hil.protocol import CounterKind, Ready

if TYPE_CHECKING:
    from hil.device import Device

# Where a cycle figure comes from. Every number the harness prints or stores carries one.
VIRTUAL = "virtual"  # instruction-derived counts from an emulator (1 instruction = 1 cycle)
DWT = "dwt"          # real cycles from DWT CYCCNT on silicon
SYSTICK = "systick"  # real cycles from SysTick on silicon (resolution: one tick)


@dataclass(frozen=True)
class Clock:
    provenance: str
    cpu_hz: int
    counter_hz: int
    instructions_per_tick: float | None = None  # emulators: virtual instructions per counter tick

    @classmethod
    def from_ready(cls, ready: Ready, *, emulated: bool, cpu_hz: int,
                   instructions_per_tick: float | None) -> Clock:
        if emulated:
            return cls(VIRTUAL, cpu_hz, ready.counter_hz, instructions_per_tick)
        kind = DWT if ready.counter_kind == CounterKind.DWT else SYSTICK
        return cls(kind, cpu_hz, ready.counter_hz)

    def cycles(self, ticks: int) -> int:
        if self.provenance == VIRTUAL and self.instructions_per_tick:
            return round(ticks * self.instructions_per_tick)
        return round(ticks * self.cpu_hz / self.counter_hz) if self.counter_hz else ticks

    def latency_us(self, cycles: int) -> float:
        return cycles / self.cpu_hz * 1e6

    def describe(self) -> str:
        if self.provenance == VIRTUAL:
            return (f"virtual cycles (emulator instruction counts, {self.instructions_per_tick:g} "
                    f"instructions per counter tick; latency at {self.cpu_hz / 1e6:g} MHz)")
        return f"{self.provenance} cycles at {self.cpu_hz / 1e6:g} MHz"


@dataclass
class TimeoutPolicy:
    """Every wait is bounded: a fixed allowance, the transfer time at the slowest expected link
    speed, and the expected compute (from the slowest inference seen so far) times a margin,
    all capped globally."""

    base_s: float = 2.0
    link_bytes_per_s: float = 5_000.0
    first_invoke_s: float = 60.0
    margin: float = 5.0
    cap: float = 300.0
    slowest_run_s: float = 0.0  # wall time of the slowest single inference observed

    def transfer(self, nbytes: int) -> float:
        return min(self.cap, self.base_s + self.margin * nbytes / self.link_bytes_per_s)

    def invoke(self, device: Device, repeat: int, nbytes: int) -> float:
        if self.slowest_run_s <= 0:
            return min(self.cap, self.first_invoke_s * max(1, repeat) + self.transfer(nbytes))
        compute = self.margin * repeat * self.slowest_run_s
        return min(self.cap, self.transfer(nbytes) + compute)

    def observe_run(self, seconds_per_run: float) -> None:
        self.slowest_run_s = max(self.slowest_run_s, seconds_per_run)
