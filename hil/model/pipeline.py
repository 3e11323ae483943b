"""Pipelines: several models run in sequence on one target (firmware/engines/builtin/pipeline.h),
stage k's outputs feeding stage k+1's inputs on the target. A stage may run several times per
pipeline run: its inputs are consecutive slices of what feeds it, its outputs stack up.

The firmware embeds one container file holding every stage (write_container); the harness reads
it back as a PipelineInfo (load_model does, for a container), whose inputs are stage 0's and whose
outputs are every stage's in stage order, with a leading dimension of the stage's invokes when it
runs more than once: so the target returns each stage's outputs and the host checks the stages
one by one against TFLM running the same chain (PipelineReference).
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hil import paths
from hil.errors import ConfigError

MAGIC = b"HILP"
VERSION = 1
HEAD = struct.Struct("<4sIII")  # magic, version, stages, 0
ENTRY = struct.Struct("<IIII")  # offset, size, invokes, name offset (a NUL-terminated label; the target ignores it)
MAX_STAGES = 4  # HIL_PIPELINE_STAGES of builds for any model (firmware/engines/builtin/pipeline.h)


@dataclass(frozen=True)
class Stage:
    """One model of a pipeline and how many times it runs per pipeline run."""

    tflite: Path
    invokes: int = 1
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.tflite.stem


def is_container(data: bytes) -> bool:
    return data[:4] == MAGIC


def container_bytes(stages: list[Stage]) -> bytes:
    """The container of these stages (pipeline.h's layout, every model 16-byte aligned)."""
    if not 1 <= len(stages) <= MAX_STAGES:
        raise ConfigError(f"a pipeline has 1 to {MAX_STAGES} stages, not {len(stages)}")
    models = []
    for stage in stages:
        if not stage.tflite.is_file():
            raise ConfigError(f"pipeline stage {stage.tflite}: no such file")
        if stage.invokes < 1:
            raise ConfigError(f"pipeline stage {stage.tflite.name}: invokes {stage.invokes}: give 1 or more")
        models.append(stage.tflite.read_bytes())
    offset = HEAD.size + ENTRY.size * len(stages)
    entries, body = [], b""
    for stage, data in zip(stages, models, strict=True):
        name_at = offset + len(body)
        body += stage.label.encode() + b"\0"
        body += b"\0" * (-(offset + len(body)) % 16)
        entries.append(ENTRY.pack(offset + len(body), len(data), stage.invokes, name_at))
        body += data
    return HEAD.pack(MAGIC, VERSION, len(stages), 0) + b"".join(entries) + body


def write_container(stages: list[Stage]) -> Path:
    """The container file in the harness cache, named by its content (what the firmware embeds)."""
    data = container_bytes(stages)
    folder = paths.cache_dir() / "pipelines"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{'-'.join(s.tflite.stem for s in stages)[:80]}-{hashlib.sha256(data).hexdigest()[:16]}.hilp"
    if not path.exists():
        tmp = path.with_suffix(f".{id(data)}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return path


def read_container(path: Path) -> list[tuple[bytes, int, str]]:
    """(model bytes, invokes, label) of each stage of a container file; ConfigError naming the
    file if it is not one."""
    data = path.read_bytes()
    try:
        magic, version, count, _ = HEAD.unpack_from(data)
        if magic != MAGIC or version != VERSION or not 1 <= count <= MAX_STAGES:
            raise ValueError("header")
        stages = []
        for k in range(count):
            offset, size, invokes, name_at = ENTRY.unpack_from(data, HEAD.size + ENTRY.size * k)
            if offset + size > len(data) or data[offset + 4:offset + 8] != b"TFL3":
                raise ValueError(f"stage {k}")
            name = data[name_at:data.index(b"\0", name_at)].decode(errors="replace") if name_at else ""
            stages.append((data[offset:offset + size], invokes, name))
    except (struct.error, ValueError) as exc:
        raise ConfigError(f"{path} is not a pipeline container ({exc}): write it with hil.model.pipeline") from None
    return stages


def stage_files(path: Path) -> list[Stage]:
    """The stages of a container file, each model extracted into the cache (by content), so every
    per-model tool (the host reference, the oracle, single-stage firmware) works on it."""
    folder = paths.cache_dir() / "pipelines"
    folder.mkdir(parents=True, exist_ok=True)
    stages = []
    for data, invokes, name in read_container(path):
        stage_path = folder / f"stage-{hashlib.sha256(data).hexdigest()[:16]}.tflite"
        if not stage_path.exists():
            stage_path.write_bytes(data)
        stages.append(Stage(stage_path, invokes, name))
    return stages


def stacked(shape: tuple[int, ...], invokes: int) -> tuple[int, ...]:
    """The shape of a stage's tensor over a pipeline run: one slice per invoke."""
    return (invokes, *shape) if invokes > 1 else tuple(shape)


@dataclass
class StageView:
    """Where a stage sits in its pipeline: its model, its invokes, and its outputs' positions
    among the pipeline's outputs."""

    index: int
    stage: Stage
    info: object  # hil.model.tflite.ModelInfo of the stage's model
    first_output: int
    first_op: int

    @property
    def outputs(self) -> range:
        return range(self.first_output, self.first_output + len(self.info.outputs))

    def describe(self, count: int) -> str:
        runs = f", {self.stage.invokes} invokes per run" if self.stage.invokes > 1 else ""
        return f"stage {self.index} '{self.stage.label}' ({self.index + 1} of {count}{runs})"

    def prefix(self) -> str:
        return f"stage {self.index} '{self.stage.label}': "


@dataclass
class PipelineFacts:
    """What a PipelineInfo knows beyond a ModelInfo."""

    stages: list[StageView] = field(default_factory=list)

    def stage_of_output(self, output: int) -> StageView:
        return next(s for s in self.stages if output in s.outputs)

    def stage_of_op(self, op: int) -> StageView:
        return next(s for s in reversed(self.stages) if op >= s.first_op)


class PipelineReference:
    """TFLM's interpreter per stage, chained as the target chains them: stage k runs its invokes
    on consecutive slices of stage k-1's stacked outputs (or of the pipeline's input)."""

    def __init__(self, info, make_reference):
        self.info = info
        self.stages = [make_reference(view.stage.tflite) for view in info.pipeline.stages]

    def reset(self) -> None:
        for ref in self.stages:
            ref.reset()

    def run(self, inputs: list[np.ndarray], trace: dict[int, list] | None = None) -> list[np.ndarray]:
        """Every stage's outputs for one pipeline run; `trace` collects each stage's inputs of
        each invoke ({stage: [[input arrays] per invoke, ...]})."""
        return self.run_from(0, inputs, trace)

    def run_from(self, first: int, feed: list[np.ndarray], trace: dict[int, list] | None = None) -> list[np.ndarray]:
        """The outputs of stages `first`.. when stage `first` is fed `feed` (e.g. other features
        than the stage before it made: hil/verdicts/training_parity.py)."""
        views = self.info.pipeline.stages[first:]
        feed, outputs = list(feed), []
        for view, ref in zip(views, self.stages[first:], strict=True):
            slices = self._slices(view, feed)
            if trace is not None:
                trace.setdefault(view.index, []).extend(slices)
            runs = [ref.run(stage_inputs) for stage_inputs in slices]
            feed = runs[0] if view.stage.invokes == 1 else [np.stack([run[i] for run in runs])
                                                            for i in range(len(runs[0]))]
            outputs += feed
        return outputs

    @staticmethod
    def _slices(view: StageView, feed: list[np.ndarray]) -> list[list[np.ndarray]]:
        """The stage's inputs for each of its invokes, from the arrays that feed it (bytes in order)."""
        specs = [view.info.tensors[i] for i in view.info.inputs]
        if view.stage.invokes == 1 and len(feed) == len(specs):
            return [[np.ascontiguousarray(a).reshape(s.shape) for a, s in zip(feed, specs, strict=True)]]
        flat = np.concatenate([np.ascontiguousarray(a).ravel() for a in feed])
        per = int(np.prod(specs[0].shape))
        return [[flat[j * per:(j + 1) * per].reshape(specs[0].shape)] for j in range(view.stage.invokes)]

