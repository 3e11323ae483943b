"""Power monitors behind one small interface, and the inference windows cut from their captures.

A monitor captures while the target runs RUN with `repeat` inferences. The agent drives its sync
GPIO high around each inference (hil_port_sync, docs/energy.md); the rising and falling edges on
the monitor's digital input give one window per inference. Without a GPIO input, windows come
from the target's own tick durations, placed back to back from the first sample whose power rises
above the midpoint between the capture's idle and busy levels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

import numpy as np

from hil.errors import Category, HilError
from hil.verdicts.energy import MEASURED, EnergyStats

GPIO = "gpio"
TICKS = "ticks"


class Capture(Protocol):
    def energy_j(self, t0: float, t1: float) -> float:
        """Energy between two instants of the capture's time base (seconds)."""

    def sync_edges(self) -> list[tuple[float, float]] | None:
        """(rise, fall) of every high pulse on the sync input; None without a sync input."""

    def power_series(self) -> tuple[np.ndarray, np.ndarray]:
        """(times, watts) at the capture's own resolution, to find activity."""


class PowerMonitor(Protocol):
    name: str

    def start(self) -> None: ...

    def stop(self) -> Capture: ...

    def close(self) -> None: ...

    def describe(self) -> str: ...


@dataclass
class SampleCapture:
    """Evenly spaced samples of power (PPK2: 100 kS/s) with the sync input's level per sample."""

    rate_hz: float
    power_w: np.ndarray
    sync: np.ndarray | None = None

    def energy_j(self, t0: float, t1: float) -> float:
        first, last = round(t0 * self.rate_hz), round(t1 * self.rate_hz)
        return float(np.sum(self.power_w[first:last])) / self.rate_hz

    def sync_edges(self) -> list[tuple[float, float]] | None:
        if self.sync is None:
            return None
        return pulses(np.arange(len(self.sync)) / self.rate_hz, self.sync)

    def power_series(self) -> tuple[np.ndarray, np.ndarray]:
        return np.arange(len(self.power_w)) / self.rate_hz, self.power_w


def pulses(times: np.ndarray, level: np.ndarray) -> list[tuple[float, float]]:
    """(rise, fall) times of each complete high pulse; a pulse already high at the start or still
    high at the end of the capture is not complete and is left out."""
    high = np.asarray(level).astype(bool).astype(np.int8)
    change = np.diff(high)
    rises = list(np.nonzero(change == 1)[0] + 1)
    falls = list(np.nonzero(change == -1)[0] + 1)
    if falls and (not rises or falls[0] < rises[0]):
        falls.pop(0)
    return [(float(times[r]), float(times[f])) for r, f in zip(rises, falls, strict=False)]


def windows_from_ticks(capture: Capture, durations_s: list[float]) -> list[tuple[float, float]]:
    """Back-to-back windows of the target's measured durations, from the first sample a fifth of the
    way from the capture's idle (10th percentile) to its busy (90th percentile) power: low enough
    that a monitor's smoothing of the first samples after a range switch does not delay it."""
    times, watts = capture.power_series()
    low, high = np.percentile(watts, 10), np.percentile(watts, 90)
    busy = np.nonzero(watts > low + (high - low) / 5)[0]
    if high <= low or not len(busy):
        raise HilError("no inference activity stands out in the power capture (idle and busy power equal): "
                       "wire the sync GPIO and use --power-sync gpio", Category.CONFIG)
    start = float(times[busy[0]])
    bounds = np.concatenate([[0.0], np.cumsum(durations_s)]) + start
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))


def cut_windows(capture: Capture, sync: str, repeat: int, durations_s: list[float]) -> list[tuple[float, float]]:
    if sync == TICKS:
        return windows_from_ticks(capture, durations_s)
    edges = capture.sync_edges()
    if edges is None:
        raise HilError("this power monitor has no digital input for the sync GPIO: use --power-sync ticks",
                       Category.CONFIG)
    if len(edges) != repeat:
        raise HilError(f"the sync GPIO showed {len(edges)} complete pulses for {repeat} inferences: check that the "
                       f"board's sync pin is wired to the monitor's input (docs/energy.md, wiring)", Category.PROTOCOL)
    return edges


T = TypeVar("T")


def measure(monitor: PowerMonitor, run: Callable[[], T], durations: Callable[[T], list[float]], repeat: int,
            sync: str = GPIO, idle_w: float | None = None) -> tuple[T, EnergyStats]:
    """Runs `run` (RUN with `repeat` inferences) under the monitor and returns its result with the
    energy of each inference window; `durations` gives the target's own duration of each."""
    monitor.start()
    try:
        result = run()
    finally:
        capture = monitor.stop()
    windows = cut_windows(capture, sync, repeat, durations(result))
    energies = [capture.energy_j(t0, t1) * 1e6 for t0, t1 in windows]
    seconds = float(np.median([t1 - t0 for t0, t1 in windows]))
    how = "sync GPIO edges" if sync == GPIO else "the target's tick durations"
    return result, EnergyStats(energies, MEASURED, f"{monitor.describe()}; windows cut by {how}", seconds, idle_w)


def measure_idle(monitor: PowerMonitor, seconds: float, wait: Callable[[float], None]) -> float:
    """Mean power while the target waits for a request (the agent sleeps in WFI)."""
    monitor.start()
    try:
        wait(seconds)
    finally:
        capture = monitor.stop()
    times, _ = capture.power_series()
    span = float(times[-1]) if len(times) else 0.0
    if span <= 0:
        raise HilError(f"{monitor.name}: the idle capture holds no samples", Category.PROTOCOL)
    return capture.energy_j(0.0, span) / span
