"""Joulescope JS220 (and JS110) through `pyjoulescope_driver`.

The statistics stream (`s/stats/value`) carries an energy accumulator at the end of each block;
the energy between two instants is the accumulator at the later one minus that at the earlier one,
each taken inside its block as the previous block's accumulator plus the block's mean power times
the time into the block. The JS220's general-purpose input 0 (`s/gpi/0/!data`, one bit per sample)
carries the sync GPIO. Topics and message layout as in the driver's own entry points
(pyjoulescope_driver/entry_points/statistics.py, gpi.py, record.py)."""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from hil.errors import Category, ConfigError, HilError
from hil.power.monitor import pulses

STATS_HZ = 1000  # statistics blocks per second


@dataclass
class StatsCapture:
    """Statistics blocks (start s, end s, accumulated energy J at the end, mean power W) and the
    sync input's samples (times s, levels)."""

    blocks: list[tuple[float, float, float, float]] = field(default_factory=list)
    gpi_times: list[np.ndarray] = field(default_factory=list)
    gpi_levels: list[np.ndarray] = field(default_factory=list)
    has_gpi: bool = True

    def _energy_at(self, t: float) -> float:
        ends = [b[1] for b in self.blocks]
        k = min(bisect.bisect_left(ends, t), len(self.blocks) - 1)
        start, end, energy_end, watts = self.blocks[k]
        before = energy_end - watts * (end - start)  # the accumulator where this block starts
        return before + watts * (min(max(t, start), end) - start)

    def energy_j(self, t0: float, t1: float) -> float:
        if not self.blocks:
            raise HilError("the Joulescope sent no statistics during the capture", Category.PROTOCOL)
        return self._energy_at(t1) - self._energy_at(t0)

    def sync_edges(self) -> list[tuple[float, float]] | None:
        if not self.has_gpi:
            return None
        if not self.gpi_times:
            return []
        return pulses(np.concatenate(self.gpi_times), np.concatenate(self.gpi_levels))

    def power_series(self) -> tuple[np.ndarray, np.ndarray]:
        return np.array([b[0] for b in self.blocks]), np.array([b[3] for b in self.blocks])


class JoulescopeMonitor:
    name = "joulescope"

    def __init__(self, device: str | None = None, sync_gpi: int = 0, driver_factory: Callable | None = None):
        if driver_factory is None:
            try:
                from pyjoulescope_driver import Driver as driver_factory
            except ImportError:
                raise ConfigError("the Joulescope needs pyjoulescope_driver: pip install pyjoulescope_driver "
                                  "(setup.sh installs it)") from None
        self.driver = driver_factory()
        self.device = self._pick(device)
        self.sync_gpi = sync_gpi
        self.js220 = "js220" in self.device
        self._lock = threading.Lock()
        self._capture: StatsCapture | None = None
        self.driver.open(self.device)
        self._configure()

    def _pick(self, device: str | None) -> str:
        paths = list(self.driver.device_paths())
        if device is None and len(paths) == 1:
            return paths[0]
        if device in paths:
            return device
        raise ConfigError(f"--power-port {device}: Joulescopes found: {', '.join(paths) or 'none'}; "
                          f"give one of them")

    def _configure(self) -> None:
        d = self.device
        if self.js220:
            self.driver.publish(f"{d}/s/i/range/mode", "auto")
            self.driver.publish(f"{d}/s/stats/scnt", 1_000_000 // STATS_HZ)
            self.driver.publish(f"{d}/s/stats/ctrl", 1)
            self.driver.publish(f"{d}/s/gpi/{self.sync_gpi}/ctrl", 1)
            self.driver.subscribe(f"{d}/s/gpi/{self.sync_gpi}/!data", "pub", self._on_gpi)
        else:  # JS110: host-side statistics; its inputs are not read here (use --power-sync ticks)
            self.driver.publish(f"{d}/s/i/range/select", "auto")
            for signal in ("i", "v", "p"):
                self.driver.publish(f"{d}/s/{signal}/ctrl", "on")
            self.driver.publish(f"{d}/s/stats/scnt", 2_000_000 // STATS_HZ)
            self.driver.publish(f"{d}/s/stats/ctrl", "on")
        self.driver.subscribe(f"{d}/s/stats/value", "pub", self._on_stats)

    def describe(self) -> str:
        sync = f"sync on GPI{self.sync_gpi}" if self.js220 else "no sync input read (JS110)"
        return f"Joulescope {self.device} ({STATS_HZ} statistics blocks/s, {sync}) through pyjoulescope_driver"

    def _on_stats(self, topic: str, value: dict) -> None:
        t0, t1 = value["time"]["range"]["value"]
        block = (float(t0), float(t1), float(value["accumulators"]["energy"]["value"]),
                 float(value["signals"]["power"]["avg"]["value"]))
        with self._lock:
            if self._capture is not None:
                self._capture.blocks.append(block)

    def _on_gpi(self, topic: str, value: dict) -> None:
        levels = np.unpackbits(np.asarray(value["data"], dtype=np.uint8), bitorder="little")
        step = value["decimate_factor"] / value["sample_rate"]
        times = value["sample_id"] / value["sample_rate"] + step * np.arange(len(levels))
        with self._lock:
            if self._capture is not None:
                self._capture.gpi_times.append(times)
                self._capture.gpi_levels.append(levels)

    def start(self) -> None:
        with self._lock:
            self._capture = StatsCapture(has_gpi=self.js220)

    def stop(self) -> StatsCapture:
        import time

        time.sleep(2.0 / STATS_HZ + 0.05)  # the block holding the last edge arrives after it
        with self._lock:
            capture, self._capture = self._capture, None
        return capture

    def close(self) -> None:
        self.driver.unsubscribe(f"{self.device}/s/stats/value", self._on_stats)
        if self.js220:
            self.driver.unsubscribe(f"{self.device}/s/gpi/{self.sync_gpi}/!data", self._on_gpi)
        self.driver.close(self.device)
        self.driver.finalize()
