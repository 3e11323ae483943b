"""A board's power model: the `[power]` table of its profile, every number with its source.

    [power]
    supply_v = 1.8                 # the rail the energy is counted on
    active_ua_per_mhz = 241.0      # current while the core runs inference, per MHz of core clock
    idle_ua_per_mhz = 212.3        # or idle_ua = ...: current while the agent waits in WFI
    cycles_per_instruction = 2.03  # emulated boards only: silicon cycles per emulator instruction
    [power.sources]
    supply_v = "where the number comes from (datasheet section or published measurement)"
    ...

An estimate from it is E = supply_v x active current x time = supply_v x active_ua_per_mhz x
cycles x 1e-12 J: the clock cancels out, so energy per inference follows cycles alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hil.errors import ConfigError

NUMBERS = ("supply_v", "active_ua_per_mhz", "idle_ua", "idle_ua_per_mhz", "cycles_per_instruction")
REQUIRED = ("supply_v", "active_ua_per_mhz")


@dataclass(frozen=True)
class PowerModel:
    supply_v: float
    active_ua_per_mhz: float
    idle_ua: float | None = None          # absolute, at the profile's clock
    idle_ua_per_mhz: float | None = None  # or scaled with the clock
    cycles_per_instruction: float = 1.0   # applied to emulator instruction counts only
    sources: dict[str, str] = field(default_factory=dict)
    profile: str = ""

    def active_w(self, cpu_hz: float) -> float:
        return self.supply_v * self.active_ua_per_mhz * 1e-6 * cpu_hz / 1e6

    def idle_w(self, cpu_hz: float) -> float | None:
        if self.idle_ua is not None:
            return self.supply_v * self.idle_ua * 1e-6
        if self.idle_ua_per_mhz is not None:
            return self.supply_v * self.idle_ua_per_mhz * 1e-6 * cpu_hz / 1e6
        return None

    def energy_uj(self, cycles: float) -> float:
        """Energy of `cycles` silicon cycles at the active current, in microjoules."""
        return self.supply_v * self.active_ua_per_mhz * cycles * 1e-6

    def source_text(self) -> str:
        """One line naming where each number comes from, for reports and failure messages."""
        return "; ".join(f"{key}: {text}" for key, text in self.sources.items())

    def record(self) -> dict:
        return {"power_model": self.profile, "power_supply_v": self.supply_v,
                "power_active_ua_per_mhz": self.active_ua_per_mhz,
                "power_cycles_per_instruction": self.cycles_per_instruction,
                "power_model_source": self.source_text()}


def load_power(table: Any, path: Path, profile: str) -> PowerModel | None:
    """The profile's [power] table as a PowerModel (None when the profile has none). Every number
    must be positive and name its source in [power.sources]."""
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"board profile {path}: [power] must be a table (see docs/energy.md)")
    sources = table.get("sources", {})
    unknown = sorted(set(table) - set(NUMBERS) - {"sources"})
    if unknown:
        raise ConfigError(f"board profile {path}: [power] has unknown keys {', '.join(unknown)}; known: "
                          f"{', '.join(NUMBERS)} and a [power.sources] table")
    missing = [k for k in REQUIRED if k not in table]
    if missing or ("idle_ua" in table) == ("idle_ua_per_mhz" in table):
        need = missing + ([] if ("idle_ua" in table) != ("idle_ua_per_mhz" in table) else
                          ["exactly one of idle_ua, idle_ua_per_mhz"])
        raise ConfigError(f"board profile {path}: [power] lacks {', '.join(need)} (see docs/energy.md)")
    values = {k: _positive(table[k], k, path) for k in NUMBERS if k in table}
    unsourced = [k for k in values if not str(sources.get(k, "")).strip()]
    if unsourced:
        raise ConfigError(f"board profile {path}: [power.sources] names no source for {', '.join(unsourced)}: "
                          f"give the datasheet section or published measurement each number comes from")
    return PowerModel(sources={k: str(sources[k]) for k in values}, profile=profile, **values)


def _positive(value: Any, key: str, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"board profile {path}: [power] {key} = {value!r} is not a positive number")
    return float(value)
