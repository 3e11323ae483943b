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

A pipeline (several models run in sequence on one target, docs/pipelines.md) names its stages
instead of one tflite, and may take raw recordings (WAV, CSV) as its inputs:

    [[pipeline.stage]]
    name = "frontend"
    shared_tflite = "audio_preprocessor_int8.tflite"   # or tflite = ...
    invokes = 49                      # runs per pipeline run, its outputs stacked (default 1)
    [[pipeline.stage]]
    name = "keyword"
    tflite = "keyword.tflite"
    [pipeline.input]
    recordings = ["recordings/*.wav"] # framed into the first stage's input windows
    window = 480                      # samples per invoke (default: what its input holds)
    stride = 320                      # samples between windows (default: the window)
    sample_rate = 16000               # WAV files must match
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from hil import paths
from hil.errors import ConfigError
from hil.model.pipeline import Stage, write_container
from hil.model.recordings import Framing, recording_vectors
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
    stages: list[Stage] = field(default_factory=list)  # a pipeline's stages (tflite is then their container)
    recordings: list[Path] = field(default_factory=list)  # WAV/CSV inputs, framed by `framing`
    framing: Framing = field(default_factory=Framing)

    def info(self) -> ModelInfo:
        return load_model(self.tflite)

    def vectors(self, limit: int | None = None) -> VectorSet:
        """The vectors (a vector file, recordings, or seeded random ones); for a model with state,
        grouped into sequences (the file's `sequence` array or one per recording, else runs of
        `steps`, else of DEFAULT_STEPS)."""
        info = self.info()
        if self.vectors_file is not None:
            vectors = load_vectors(self.vectors_file, info.input_tensors, limit)
        elif self.recordings:
            vectors = self.recording_vectors(info, limit)
        else:
            count = self.random_vectors or 20
            vectors = random_vectors(info.input_tensors, min(count, limit or count), self.seed)
        if not info.stateful:
            vectors.sequences = None
        elif vectors.sequences is None or self.steps is not None:
            vectors.sequences = fixed_sequences(len(vectors), DEFAULT_STEPS if self.steps is None else self.steps)
        return vectors

    def recording_vectors(self, info: ModelInfo, limit: int | None = None) -> VectorSet:
        """The recordings framed into vectors, one sequence per recording (whether or not the model
        keeps state)."""
        if len(info.inputs) != 1:
            raise ConfigError(f"{self.name}: recordings feed a model or pipeline with one input; it has "
                              f"{len(info.inputs)}")
        invokes = info.pipeline.stages[0].stage.invokes if info.pipeline else 1
        vectors = recording_vectors(self.recordings, info.input_tensors[0], invokes, self.framing)
        if limit is not None and limit < len(vectors):
            vectors.inputs = vectors.inputs[:limit]
            vectors.sequences = [range(r.start, min(r.stop, limit)) for r in vectors.sequences if r.start < limit]
        return vectors


def _model_file(entry: dict, base: Path, path: Path) -> tuple[Path, str | None]:
    """The .tflite a config table names (`tflite` beside the config, or `shared_tflite` in
    ../shared/models), and why it is missing when it is a third-party file not present."""
    if "shared_tflite" in entry:
        tflite = paths.shared_models_dir() / entry["shared_tflite"]
        missing = None if tflite.is_file() else f"third-party model {tflite} is not present (see " \
                                                    "../shared/models/README.md)"
        return tflite, missing
    if "tflite" in entry:
        return (base / entry["tflite"]).resolve(), None
    raise ConfigError(f"model config {path} names no `tflite` or `shared_tflite` file")


def _pipeline(data: dict, base: Path, path: Path) -> tuple[list[Stage], str | None]:
    entries = data.get("pipeline", {}).get("stage", [])
    if not entries:
        raise ConfigError(f"{path}: [pipeline] has no [[pipeline.stage]] tables: list its models in order")
    stages, missing = [], None
    for entry in entries:
        tflite, why = _model_file(entry, base, path)
        missing = missing or why
        invokes = entry.get("invokes", 1)
        if not isinstance(invokes, int) or invokes < 1:
            raise ConfigError(f"{path}: stage {tflite.name}: invokes = {invokes!r}: give runs per pipeline run >= 1")
        stages.append(Stage(tflite, invokes, entry.get("name", "")))
    return stages, missing


def _framing(data: dict, base: Path) -> tuple[list[Path], Framing]:
    spec = data.get("pipeline", {}).get("input", data.get("input", {}))
    files = sorted(p for pattern in spec.get("recordings", []) for p in base.glob(pattern))
    return files, Framing(spec.get("window"), spec.get("stride"), spec.get("sample_rate"))


def load_config(path: Path) -> ModelConfig:
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"model config {path} is not valid TOML: {exc}") from None
    base = path.parent
    stages: list[Stage] = []
    if "pipeline" in data:
        stages, missing = _pipeline(data, base, path)
        tflite = write_container(stages) if missing is None else base / "pipeline.hilp"
    else:
        tflite, missing = _model_file(data, base, path)
    recordings, framing = _framing(data, base)
    parity, timing, budgets = data.get("parity", {}), data.get("timing", {}), data.get("budgets", {})
    steps = data.get("state", {}).get("steps")
    if steps is not None and (not isinstance(steps, int) or steps < 0):
        raise ConfigError(f"{path}: [state] steps = {steps!r}: give the invokes per sequence as an integer >= 0 "
                          "(0: one sequence, the state reset only before the first vector)")
    known = {"name", "tflite", "shared_tflite", "vectors", "random_vectors", "seed", "parity", "timing",
             "budgets", "energy", "state", "pipeline", "input"}
    return ModelConfig(
        name=data.get("name", base.name), tflite=tflite,
        vectors_file=(base / data["vectors"]).resolve() if "vectors" in data else None,
        random_vectors=int(data.get("random_vectors", 0)), seed=int(data.get("seed", 1)),
        tolerance_lsb=float(parity.get("tolerance_lsb", 0)),
        deadline_us=timing.get("deadline_us"), max_cycles=timing.get("max_cycles"),
        cycles_tolerance=float(timing.get("cycles_tolerance", DEFAULT_CYCLES_TOLERANCE)),
        budgets={k: int(v) for k, v in budgets.items()},
        energy_budget_uj=_energy_budget(data.get("energy", {}), path), config_path=path, missing_reason=missing,
        extra={k: v for k, v in data.items() if k not in known}, steps=steps, stages=stages,
        recordings=recordings, framing=framing,
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


def parse_stage(text: str) -> Stage:
    """A pipeline stage given on the command line: MODEL.tflite, or MODEL.tflite:INVOKES."""
    name, sep, invokes = text.rpartition(":")
    if not sep or not invokes.isdigit():
        name, invokes = text, "1"
    path = Path(name).resolve()
    if not path.is_file():
        raise ConfigError(f"--pipeline {text}: no such file {path} (give MODEL.tflite or MODEL.tflite:INVOKES)")
    if int(invokes) < 1:
        raise ConfigError(f"--pipeline {text}: give 1 or more invokes per pipeline run")
    load_model(path)
    return Stage(path, int(invokes))


def adhoc_pipeline(stages: list[str], vectors: int = 20, seed: int = 1, steps: int | None = None) -> ModelConfig:
    """A pipeline given with --pipeline A.tflite[:N] B.tflite ...: its container, random vectors."""
    parsed = [parse_stage(text) for text in stages]
    container = write_container(parsed)
    return ModelConfig(name="+".join(s.tflite.stem for s in parsed), tflite=container, random_vectors=vectors,
                       seed=seed, steps=steps, stages=parsed)
