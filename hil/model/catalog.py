"""The models the suites run: models/<name>/model.toml files plus models given with --model.

A model.toml names the .tflite (`tflite`, relative to the file, or `shared_tflite` for a
third-party model kept in ../shared/models), its vectors, and its limits:

    name = "hello_world"
    tflite = "hello_world.tflite"
    vectors = "vectors.npz"          # or: random_vectors = 20, seed = 1
    [parity]   tolerance_lsb = 0
    [timing]   deadline_us = 500, max_cycles = 20000, cycles_tolerance = 0.02
    [budgets]  flash_bytes = ..., ram_bytes = ..., arena_bytes = ...
    [energy]   budget_uj = ...       # energy per inference (median), docs/energy.md
    [state]    steps = 4             # a model with state: invokes per sequence (0: one sequence)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from hil import paths
from hil.errors import ConfigError
from hil.model.tflite import ModelInfo, load_model
from hil.model.vectors import DEFAULT_STEPS, VectorSet, fixed_sequences, load_vectors, random_vectors

DEFAULT_CYCLES_TOLERANCE = 0.02  # allowed growth of the worst case before a cycles test fails


@dataclass
class ModelConfig:
    name: str
    tflite: Path
    vectors_file: Path | None = None
    random_vectors: int = 0
    seed: int = 1
    tolerance_lsb: float = 0.0
    deadline_us: float | None = None
    max_cycles: int | None = None
    cycles_tolerance: float = DEFAULT_CYCLES_TOLERANCE
    budgets: dict[str, int] = field(default_factory=dict)
    energy_budget_uj: float | None = None
    config_path: Path | None = None
    missing_reason: str | None = None  # set when a third-party model file is absent
    extra: dict = field(default_factory=dict)
    steps: int | None = None  # a model with state: invokes per sequence ([state] steps; 0: one sequence)

    def info(self) -> ModelInfo:
        return load_model(self.tflite)

    def vectors(self, limit: int | None = None) -> VectorSet:
        """The vectors; for a model with state, grouped into sequences (the file's `sequence`
        array, else runs of `steps`, else of DEFAULT_STEPS)."""
        info = self.info()
        if self.vectors_file is not None:
            vectors = load_vectors(self.vectors_file, info.input_tensors, limit)
        else:
            count = self.random_vectors or 20
            vectors = random_vectors(info.input_tensors, min(count, limit or count), self.seed)
        if not info.stateful:
            vectors.sequences = None
        elif vectors.sequences is None or self.steps is not None:
            vectors.sequences = fixed_sequences(len(vectors), DEFAULT_STEPS if self.steps is None else self.steps)
        return vectors


def load_config(path: Path) -> ModelConfig:
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"model config {path} is not valid TOML: {exc}") from None
    base = path.parent
    missing = None
    if "shared_tflite" in data:
        tflite = paths.shared_models_dir() / data["shared_tflite"]
        if not tflite.is_file():
            missing = f"third-party model {tflite} is not present (see ../shared/models/README.md)"
    elif "tflite" in data:
        tflite = (base / data["tflite"]).resolve()
    else:
        raise ConfigError(f"model config {path} names no `tflite` or `shared_tflite` file")
    parity, timing, budgets = data.get("parity", {}), data.get("timing", {}), data.get("budgets", {})
    steps = data.get("state", {}).get("steps")
    if steps is not None and (not isinstance(steps, int) or steps < 0):
        raise ConfigError(f"{path}: [state] steps = {steps!r}: give the invokes per sequence as an integer >= 0 "
                          "(0: one sequence, the state reset only before the first vector)")
    known = {"name", "tflite", "shared_tflite", "vectors", "random_vectors", "seed", "parity", "timing",
             "budgets", "energy", "state"}
    return ModelConfig(
        name=data.get("name", base.name), tflite=tflite,
        vectors_file=(base / data["vectors"]).resolve() if "vectors" in data else None,
        random_vectors=int(data.get("random_vectors", 0)), seed=int(data.get("seed", 1)),
        tolerance_lsb=float(parity.get("tolerance_lsb", 0)),
        deadline_us=timing.get("deadline_us"), max_cycles=timing.get("max_cycles"),
        cycles_tolerance=float(timing.get("cycles_tolerance", DEFAULT_CYCLES_TOLERANCE)),
        budgets={k: int(v) for k, v in budgets.items()},
        energy_budget_uj=_energy_budget(data.get("energy", {}), path), config_path=path, missing_reason=missing,
        extra={k: v for k, v in data.items() if k not in known}, steps=steps,
    )


def _energy_budget(table: dict, path: Path) -> float | None:
    value = table.get("budget_uj")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"model config {path}: [energy] budget_uj = {value!r} is not a positive number of uJ")
    return float(value)


def discover(root: Path | None = None) -> list[ModelConfig]:
    """Every models/*/model.toml and model_<variant>.toml (another conversion of the same model,
    e.g. model_int16x8.toml), sorted by name."""
    root = root or paths.models_dir()
    configs = [load_config(p) for p in sorted(root.glob("*/model.toml"))]
    configs += [load_config(p) for p in sorted(root.glob("*/model_*.toml"))]
    configs += [load_config(p) for p in sorted(root.glob("third_party/*/model.toml"))]
    return sorted(configs, key=lambda c: c.name)


def adhoc(path: Path, vectors: int = 20, seed: int = 1, steps: int | None = None) -> ModelConfig:
    """A user's model given with --model: seeded random vectors unless NAME.npz sits beside it;
    `steps`: invokes per sequence of a model with state (0: one sequence)."""
    path = Path(path).resolve()
    if not path.is_file():
        raise ConfigError(f"--model {path}: no such file")
    load_model(path)  # not a .tflite: one line now, not a collection error later
    sibling = path.with_suffix(".npz")
    return ModelConfig(name=path.stem, tflite=path, vectors_file=sibling if sibling.is_file() else None,
                       random_vectors=vectors, seed=seed, steps=steps)
