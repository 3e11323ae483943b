"""Counter ticks to cycles and latency, with provenance; timeouts derived from expected work."""

from __future__ import annotations

from dataclasses import dataclass

from hil.link.protocol import CounterKind, Ready
from hil.results.fields import Field
from hil.units import duration_text, limit_text

# Where a cycle figure comes from. Every number the harness prints or stores carries one.
VIRTUAL = "virtual"  # instruction-derived counts from an emulator (1 instruction = 1 cycle)
DWT = "dwt"          # real cycles from DWT CYCCNT on silicon
SYSTICK = "systick"  # real cycles from SysTick on silicon (resolution: one tick)
ESTIMATED = "estimated"  # predicted cycles of a named part, from the emulator's instruction mix (hil/estimate)


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

    @classmethod
    def estimated(cls, part_hz: int) -> Clock:
        return cls(ESTIMATED, part_hz, 0)

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

    def invoke(self, repeat: int, nbytes: int) -> float:
        if self.slowest_run_s <= 0:
            return min(self.cap, self.first_invoke_s * max(1, repeat) + self.transfer(nbytes))
        compute = self.margin * repeat * self.slowest_run_s
        return min(self.cap, self.transfer(nbytes) + compute)

    def observe_run(self, seconds_per_run: float) -> None:
        self.slowest_run_s = max(self.slowest_run_s, seconds_per_run)


@dataclass
class TimingStats:
    """Cycles of every inference measured for one model on one board."""

    samples: list[int]       # every vector x every repetition, in cycles
    first_runs: list[int]    # the first repetition of each vector (cold caches, first-run effects)
    clock: Clock
    vectors: int
    repeat: int
    part: str = ""            # estimated: the part, e.g. stm32l4r5@120MHz
    band: float | None = None  # estimated: the relative error band (None: unknown)

    @property
    def wcet(self) -> int:
        return max(self.samples)

    @property
    def bcet(self) -> int:
        return min(self.samples)

    @property
    def jitter(self) -> int:
        return self.wcet - self.bcet

    def percentile(self, q: float) -> float:
        import numpy as np

        return float(np.percentile(self.samples, q))

    def us(self, cycles: float) -> float:
        return self.clock.latency_us(cycles)

    def summary(self) -> str:
        us = self.us
        return (f"WCET {self.wcet:,} cycles = {duration_text(us(self.wcet))}, "
                f"p50 {duration_text(us(self.percentile(50)))}, p99 {duration_text(us(self.percentile(99)))}, "
                f"jitter {self.jitter:,} cycles ({duration_text(us(self.jitter))}) over "
                f"{len(self.samples)} inferences ({self.vectors} vectors x {self.repeat}) [{self.label()}]")

    def label(self) -> str:
        """The provenance, and for an estimate its part and error band."""
        if self.clock.provenance != ESTIMATED:
            return self.clock.provenance
        band = f" ±{self.band:.0%}" if self.band is not None else ", error band unknown"
        return f"{ESTIMATED} for {self.part}{band}"

    def record(self) -> dict:
        return {Field.CYCLES: self.wcet, Field.CYCLES_MIN: self.bcet, Field.WCET: self.wcet,
                Field.P50: self.percentile(50), Field.P99: self.percentile(99), Field.JITTER: self.jitter,
                Field.WCET_US: self.us(self.wcet),
                Field.P50_US: self.us(self.percentile(50)), Field.P99_US: self.us(self.percentile(99)),
                Field.JITTER_CYCLES: self.jitter, Field.LATENCY_US: self.us(self.wcet),
                Field.PROVENANCE: self.clock.provenance, Field.CPU_HZ: self.clock.cpu_hz,
                Field.INFERENCES: len(self.samples)}

    def estimate_record(self) -> dict:
        """An estimate's figures, stored beside the virtual ones (never in their place)."""
        return {Field.ESTIMATED_CYCLES: self.wcet, Field.ESTIMATED_CYCLES_MIN: self.bcet,
                Field.ESTIMATED_US: self.us(self.wcet), Field.ESTIMATE_PART: self.part, Field.ESTIMATE_BAND: self.band}


def deadline_failure(stats: TimingStats, deadline_us: float | None = None,
                     max_cycles: int | None = None) -> str | None:
    """The failure message when the worst case misses a limit, else None. Hard real time: the
    limit applies to the worst inference observed, never to an average."""
    problems = []
    if deadline_us is not None and stats.us(stats.wcet) > deadline_us:
        margin = deadline_us - stats.us(stats.wcet)
        problems.append(f"deadline {limit_text(deadline_us)} missed by {duration_text(-margin)} "
                        f"(margin {duration_text(margin)}, {margin / deadline_us:+.1%})")
    if max_cycles is not None and stats.wcet > max_cycles:
        problems.append(f"max_cycles {max_cycles:,} exceeded by {stats.wcet - max_cycles:,} cycles")
    if not problems:
        return None
    return "; ".join(problems) + f": {stats.summary()}"


def deadline_margin(stats: TimingStats, deadline_us: float) -> str:
    margin = deadline_us - stats.us(stats.wcet)
    return f"deadline {limit_text(deadline_us)}, margin {duration_text(margin)} ({margin / deadline_us:+.1%})"
