"""Energy per inference with its provenance, duty cycle and battery life, and energy budgets.

Provenance, never mixed within one figure:
- `estimated`: the target's counted cycles x the board profile's power model (hil/boards/power.py);
- `measured`: a power monitor over each inference window (hil/power/).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from hil.boards.power import PowerModel
from hil.errors import ConfigError
from hil.results.fields import Field
from hil.verdicts.timing import VIRTUAL, Clock

ESTIMATED = "estimated"
MEASURED = "measured"


@dataclass(frozen=True)
class EnergyStats:
    """Energy of each measured inference (one per repetition) in microjoules."""

    per_inference_uj: list[float]
    provenance: str
    source: str               # the power model's sources, or the monitor and how windows were cut
    seconds_per_inference: float
    idle_w: float | None = None  # power while the agent waits in WFI, if known
    cycles: float | None = None  # estimated silicon cycles per inference (estimates only)

    @property
    def median_uj(self) -> float:
        return statistics.median(self.per_inference_uj)

    @property
    def min_uj(self) -> float:
        return min(self.per_inference_uj)

    @property
    def max_uj(self) -> float:
        return max(self.per_inference_uj)

    def summary(self) -> str:
        return (f"{energy_text(self.median_uj)} per inference (median of {len(self.per_inference_uj)}, "
                f"min {energy_text(self.min_uj)}, max {energy_text(self.max_uj)}) [{self.provenance}]")

    def record(self) -> dict:
        return {Field.ENERGY_UJ: self.median_uj, Field.ENERGY_MIN_UJ: self.min_uj, Field.ENERGY_MAX_UJ: self.max_uj,
                Field.ENERGY_PROVENANCE: self.provenance, Field.ENERGY_SOURCE: self.source,
                Field.ENERGY_INFERENCES: len(self.per_inference_uj),
                Field.IDLE_POWER_W: self.idle_w}


def energy_text(uj: float) -> str:
    """"443.2 uJ", "5.23 mJ", "812 nJ"."""
    if abs(uj) >= 1000:
        return f"{uj / 1000:,.2f} mJ"
    if abs(uj) >= 1:
        return f"{uj:,.1f} uJ"
    return f"{uj * 1000:,.0f} nJ"


def power_text(w: float) -> str:
    if abs(w) >= 1:
        return f"{w:,.2f} W"
    if abs(w) >= 1e-3:
        return f"{w * 1e3:,.2f} mW"
    return f"{w * 1e6:,.1f} uW"


def estimate(clock: Clock, ticks: list[int], power: PowerModel) -> EnergyStats:
    """Estimated energy of each repetition from its counted ticks and the board's power model."""
    return estimate_cycles(clock, [clock.cycles(t) for t in ticks], power)


def estimate_cycles(clock: Clock, counted: list[int], power: PowerModel) -> EnergyStats:
    """Estimated energy of each inference from its counted cycles (TimingStats.samples)."""
    scale = power.cycles_per_instruction if clock.provenance == VIRTUAL else 1.0
    cycles = [c * scale for c in counted]
    median_cycles = statistics.median(cycles)
    return EnergyStats([power.energy_uj(c) for c in cycles], ESTIMATED,
                       f"power model of {power.profile}: {power.source_text()}",
                       median_cycles / clock.cpu_hz, power.idle_w(clock.cpu_hz), median_cycles)


# ---- duty cycle and battery life ----

@dataclass(frozen=True)
class Battery:
    mah: float
    volts: float

    @property
    def joules(self) -> float:
        return self.mah * 3.6 * self.volts

    def text(self) -> str:
        return f"{self.mah:g} mAh at {self.volts:g} V"


def parse_battery(text: str) -> Battery:
    """'220mAh@3V' (also '220 mAh @ 3.0 V', '1.2Ah@3.7V')."""
    match = re.fullmatch(r"\s*([\d.]+)\s*(m?)Ah\s*@\s*([\d.]+)\s*V\s*", text, re.IGNORECASE)
    if not match:
        raise ConfigError(f"--battery {text!r}: write capacity@voltage, e.g. 220mAh@3V or 1.2Ah@3.7V")
    amount, milli, volts = float(match[1]), match[2], float(match[3])
    mah = amount if milli else amount * 1000
    if mah <= 0 or volts <= 0:
        raise ConfigError(f"--battery {text!r}: capacity and voltage must be positive")
    return Battery(mah, volts)


def parse_rate(text: str) -> float:
    """Inferences per second from '1/s', '10/min', '2/h', '0.5' (per second)."""
    units = {"s": 1.0, "sec": 1.0, "min": 60.0, "m": 60.0, "h": 3600.0, "hour": 3600.0, "day": 86400.0, "d": 86400.0}
    match = re.fullmatch(r"\s*([\d.]+)\s*(?:/\s*([a-z]+))?\s*", text, re.IGNORECASE)
    if not match or (match[2] and match[2].lower() not in units):
        raise ConfigError(f"--rate {text!r}: write inferences per time unit, e.g. 1/s, 10/min, 2/h")
    rate = float(match[1]) / units[(match[2] or "s").lower()]
    if rate <= 0:
        raise ConfigError(f"--rate {text!r}: the rate must be positive")
    return rate


@dataclass(frozen=True)
class DutyCycle:
    rate_hz: float
    average_w: float
    active_fraction: float
    provenance: str
    battery: Battery | None = None

    @property
    def battery_hours(self) -> float | None:
        return self.battery.joules / self.average_w / 3600 if self.battery else None

    def record(self) -> dict:
        return {"rate_hz": self.rate_hz, "average_power_w": self.average_w, "active_fraction": self.active_fraction,
                "battery": self.battery.text() if self.battery else None, "battery_hours": self.battery_hours,
                "duty_provenance": self.provenance}


def duty_cycle(stats: EnergyStats, rate_hz: float, battery: Battery | None = None) -> DutyCycle:
    """Average power at `rate_hz` inferences per second: the inferences' energy plus idle power for
    the rest of each second. The battery feeds the rail through an ideal converter (its energy,
    capacity x voltage, is what counts)."""
    if stats.idle_w is None:
        raise ConfigError("no idle power is known for this board: add idle_ua or idle_ua_per_mhz to its [power] "
                          "table, or measure it with a power monitor")
    busy = rate_hz * stats.seconds_per_inference
    if busy >= 1:
        raise ConfigError(f"--rate {rate_hz:g}/s: one inference takes {stats.seconds_per_inference * 1e3:.3g} ms, "
                          f"so at most {1 / stats.seconds_per_inference:.4g} inferences per second fit")
    average = rate_hz * stats.median_uj * 1e-6 + stats.idle_w * (1 - busy)
    return DutyCycle(rate_hz, average, busy, stats.provenance, battery)


def life_text(hours: float) -> str:
    if hours >= 24 * 365:
        return f"{hours / 24 / 365:,.2f} years"
    if hours >= 48:
        return f"{hours / 24:,.1f} days"
    return f"{hours:,.1f} hours"


# ---- budgets ----

def budget_failure(stats: EnergyStats, budget_uj: float) -> str | None:
    """The failure message when the median energy per inference exceeds the budget, else None."""
    if stats.median_uj <= budget_uj:
        return None
    over = stats.median_uj - budget_uj
    return (f"energy budget {energy_text(budget_uj)} per inference exceeded by {energy_text(over)} "
            f"({over / budget_uj:+.1%}): {stats.summary()}; {stats.source}")
