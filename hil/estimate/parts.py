"""Target parts for estimates: a core and a memory system (parts/*.toml), named with a clock as
`stm32l4r5@120MHz` (`--estimate-for`, or a board profile's `estimate_for`)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from hil.errors import ConfigError

PARTS_DIR = Path(__file__).parent / "parts"
SPEC = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+?)(?:@(?P<mhz>\d+(?:\.\d+)?)\s*MHz)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Cache:
    line: int   # bytes per line
    lines: int  # fully associative, least recently used replaced


@dataclass(frozen=True)
class Part:
    name: str
    core: str
    mhz: float
    wait_states: int  # flash read latency at this clock
    icache: Cache | None
    dcache: Cache | None
    description: str = ""

    @property
    def hz(self) -> int:
        return round(self.mhz * 1e6)

    @property
    def has_flash(self) -> bool:
        return self.wait_states > 0 or self.icache is not None

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.mhz:g}MHz"


def known_parts() -> list[str]:
    return sorted(p.stem for p in PARTS_DIR.glob("*.toml"))


def _cache(data: dict | None) -> Cache | None:
    return Cache(int(data["line"]), int(data["lines"])) if data else None


def find_part(spec: str) -> Part:
    """`name` or `name@<clock>MHz`; one clear line when the name or clock does not fit."""
    match = SPEC.match(spec.strip())
    path = PARTS_DIR / f"{match.group('name').lower()}.toml" if match else None
    if path is None or not path.is_file():
        raise ConfigError(f"--estimate-for {spec!r}: give a part as NAME or NAME@<clock>MHz, NAME one of "
                          f"{', '.join(known_parts())} (hil/estimate/parts/; docs/timing.md says how to add one)")
    data = tomllib.loads(path.read_text())
    mhz = float(match.group("mhz") or data["default_mhz"])
    if not 0 < mhz <= data["max_mhz"]:
        raise ConfigError(f"--estimate-for {spec!r}: {data['name']} runs at most {data['max_mhz']} MHz")
    ws = next((w for top, w in data.get("flash_wait_states", []) if mhz <= top), 0)
    return Part(data["name"], data["core"], mhz, ws, _cache(data.get("icache")), _cache(data.get("dcache")),
                data.get("description", ""))
