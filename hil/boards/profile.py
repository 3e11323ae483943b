"""Board profiles: TOML files describing a target and how to reach it.

Search path, later entries overriding earlier ones by name: the profiles shipped in
hil/boards/profiles, then every directory in $HIL_BOARDS_PATH (os.pathsep-separated), then
./boards in the current directory.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hil.boards.power import PowerModel, load_power
from hil.errors import ConfigError

BUILTIN_DIR = Path(__file__).parent / "profiles"


@dataclass
class BoardProfile:
    name: str
    backend: str
    firmware_board: str
    cpu_hz: int
    core: str
    provenance: str
    aliases: list[str] = field(default_factory=list)
    description: str = ""
    fpu: bool = False
    uart: str = ""
    flasher: str = ""
    source: Path | None = None
    settings: dict[str, Any] = field(default_factory=dict)  # the backend's own table
    power: PowerModel | None = None  # [power]: the board's power model (hil/boards/power.py)
    models_part: str = ""  # an emulated profile standing for another part: its cpu_hz is that part's
    # [estimate]: the part whose cycles are estimated from the emulator's instruction mix, and
    # which figure the deadline suite checks ("virtual" or "estimated"); hil/estimate, docs/timing.md
    estimate_part: str = ""
    deadline_clock: str = "virtual"

    @property
    def emulated(self) -> bool:
        return self.provenance == "virtual"

    def setting(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)


REQUIRED = ("name", "backend", "firmware_board", "cpu_hz", "core", "provenance")


def _estimate_settings(data: dict, path: Path) -> dict:
    clock = data.get("deadlines", "virtual")
    if clock not in ("virtual", "estimated"):
        raise ConfigError(f"board profile {path}: [estimate] deadlines must be 'virtual' or 'estimated'")
    return {"estimate_part": str(data.get("part", "")), "deadline_clock": clock}


def load_profile(path: Path) -> BoardProfile:
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"board profile {path} is not valid TOML: {exc}") from None
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise ConfigError(f"board profile {path} lacks {', '.join(missing)}")
    if data["provenance"] not in ("virtual", "dwt"):
        raise ConfigError(f"board profile {path}: provenance must be 'virtual' or 'dwt'")
    backend = data["backend"]
    return BoardProfile(
        name=data["name"], backend=backend, firmware_board=data["firmware_board"],
        cpu_hz=_clock_hz(data["cpu_hz"], path), core=data["core"], provenance=data["provenance"],
        aliases=list(data.get("aliases", [])), description=data.get("description", ""),
        fpu=bool(data.get("fpu", False)), uart=data.get("uart", ""), flasher=data.get("flasher", ""),
        source=path, settings=dict(data.get(backend, {})),
        power=load_power(data.get("power"), path, data["name"]), models_part=str(data.get("models_part", "")),
        **_estimate_settings(data.get("estimate", {}), path),
    )


def _clock_hz(value: Any, path: Path) -> int:
    """The core clock in Hz: a positive number (TOML allows 168_000_000)."""
    try:
        hz = int(value) if not isinstance(value, bool) else 0
    except (TypeError, ValueError):
        hz = 0
    if hz <= 0:
        raise ConfigError(f"board profile {path}: cpu_hz = {value!r} is not a clock in Hz: write a positive "
                          "integer, e.g. cpu_hz = 168_000_000")
    return hz


def search_path() -> list[Path]:
    dirs = [BUILTIN_DIR]
    dirs += [Path(p) for p in os.environ.get("HIL_BOARDS_PATH", "").split(os.pathsep) if p]
    dirs.append(Path.cwd() / "boards")
    return dirs


def all_profiles() -> dict[str, BoardProfile]:
    profiles: dict[str, BoardProfile] = {}
    for directory in search_path():
        if directory.is_dir():
            for path in sorted(directory.glob("*.toml")):
                profile = load_profile(path)
                profiles[profile.name] = profile
    return profiles


def find_profile(name: str) -> BoardProfile:
    profiles = all_profiles()
    for profile in profiles.values():
        if name == profile.name or name in profile.aliases:
            return profile
    names = ", ".join(sorted(profiles))
    raise ConfigError(f"unknown board '{name}': known boards are {names} (`hil boards` lists them "
                      f"with aliases; add your own TOML profile under $HIL_BOARDS_PATH)")
