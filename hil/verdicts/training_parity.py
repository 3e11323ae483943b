"""Training-time parity: does the device's audio (or sensor) frontend preprocess its input the way
the model's training data was preprocessed? The most common field bug of TinyML is not in the
model but here: another window, FFT scaling, filter bank, noise reduction or log scale on the
device than in the training pipeline.

A model.toml states how its training data was preprocessed, in a `[training]` table:

    [training]
    features = "training_features.npz"      # features the training pipeline made of each recording
    # or: preprocess = "train_features.py:features"   # fn(samples int16 [n], sample_rate) -> [frames, channels]
    tolerance_lsb = 0                       # how far device features may be from them
    [training.frontend]                     # the training pipeline's settings (hil/model/frontend.py)
    window = "hann"
    fft_length = 256
    ...

The check runs the pipeline on the target over the model's recordings, takes the first stage's
outputs (the device's features) and compares them with the training features of the same
recordings: the largest difference, where it is (recording, frame and time, channel and its
frequency), and what it does to the model: the later stages run on the host from the training
features, and their top-1 is compared with the device's. Where the frontend is a graph of TFLM's
signal operators its settings are read back and each stated one that differs is named."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hil.errors import ConfigError
from hil.model.frontend import channel_centres_hz, differing_settings, frontend_settings
from hil.model.pipeline import PipelineReference
from hil.model.recordings import Framing, read_recording
from hil.model.reference import TflmReference
from hil.results.fields import Field


@dataclass(frozen=True)
class TrainingSpec:
    """A model.toml's [training] table."""

    base: Path
    features: Path | None = None
    preprocess: str | None = None
    tolerance_lsb: float = 0
    frontend: dict = field(default_factory=dict)

    @classmethod
    def of(cls, config) -> TrainingSpec | None:
        table = config.extra.get("training")
        if table is None:
            return None
        where = config.config_path or config.name
        if ("features" in table) == ("preprocess" in table):
            raise ConfigError(f"{where}: [training] needs one of `features` (a .npz of the training features of "
                              "each recording, by file name) or `preprocess` (\"file.py:function\")")
        base = config.config_path.parent if config.config_path else Path.cwd()
        return cls(base, base / table["features"] if "features" in table else None, table.get("preprocess"),
                   float(table.get("tolerance_lsb", 0)), dict(table.get("frontend", {})))

    def features_of(self, recording: Path, sample_rate: int | None) -> np.ndarray:
        """The training pipeline's features of one recording, [frames, values per frame]."""
        if self.features is not None:
            return _from_file(self.features, recording)
        samples = read_recording(recording, Framing(sample_rate=sample_rate))
        mono = samples[:, 0] if samples.shape[1] == 1 else samples
        return np.asarray(_function(self.base, self.preprocess)(mono, sample_rate))


def _from_file(path: Path, recording: Path) -> np.ndarray:
    from hil.zoo.npzio import read_npz

    try:
        arrays = read_npz(path)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"[training] features {path}: not a readable .npz ({exc})") from None
    if recording.name not in arrays:
        raise ConfigError(f"[training] features {path} has no array '{recording.name}': give the training "
                          f"features of every recording, by file name (it has {', '.join(sorted(arrays))})")
    return arrays[recording.name]


def _function(base: Path, text: str):
    """The callable "file.py:function" names (the file relative to the model.toml)."""
    file, _, name = text.rpartition(":")
    path = base / file
    if not file or not path.is_file():
        raise ConfigError(f"[training] preprocess = {text!r}: give \"file.py:function\", the file beside the "
                          "model.toml")
    spec = importlib.util.spec_from_file_location(f"hil_training_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, name, None)):
        raise ConfigError(f"[training] preprocess: {path} has no function {name}(samples, sample_rate)")
    return getattr(module, name)


@dataclass
class FeatureDiff:
    """Where device features differ most from the training features."""

    max_abs: float = 0.0
    over: int = 0          # values beyond the tolerance
    total: int = 0
    recording: str = ""
    frame: int = 0
    channel: int = 0

    def add(self, recording: str, device: np.ndarray, training: np.ndarray, tolerance: float) -> None:
        diff = np.abs(device.astype(np.float64) - training.astype(np.float64))
        self.over += int(np.count_nonzero(diff > tolerance))
        self.total += diff.size
        if diff.size and diff.max() > self.max_abs:
            self.max_abs = float(diff.max())
            self.recording = recording
            self.frame, self.channel = (int(i) for i in np.unravel_index(int(np.argmax(diff)), diff.shape))


@dataclass
class TrainingParity:
    model: str
    stage: str                                  # the device frontend, e.g. "stage 0 'frontend'"
    tolerance: float
    settings_differ: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    features: FeatureDiff = field(default_factory=FeatureDiff)
    shape_problems: list[str] = field(default_factory=list)
    agree: int = 0
    runs: int = 0
    where: str = ""                             # the worst difference in time and frequency

    @property
    def passed(self) -> bool:
        return not self.settings_differ and not self.shape_problems and self.features.over == 0

    def record(self) -> dict:
        return {Field.TRAINING_MATCH: self.passed, Field.TRAINING_MAX_DIFF: self.features.max_abs,
                Field.TRAINING_VALUES_OVER: self.features.over, Field.TRAINING_SETTINGS_DIFFER: self.settings_differ,
                **({Field.TRAINING_TOP1_AGREE: self.agree / self.runs} if self.runs else {})}

    def message(self) -> str:
        """One line: what differs, by how much, where, and what it does to the model's answers."""
        parts = [*self.settings_differ, *self.shape_problems]
        f = self.features
        if f.total:
            parts.append(f"features differ by up to {f.max_abs:g} LSB (tolerance {self.tolerance:g}) in {f.over} of "
                         f"{f.total} values" + (f", worst {self.where}" if f.max_abs else ""))
        if self.runs:
            parts.append(f"the model's top-1 on device features agrees with training features on {self.agree} of "
                         f"{self.runs} runs ({100 * self.agree / self.runs:.0f}%)")
        if self.unreadable:
            parts.append(f"not readable from the device frontend: {', '.join(self.unreadable)}")
        verdict = "matches" if self.passed else "does NOT match"
        return f"[training] {self.model}: the device frontend ({self.stage}) {verdict} the training-time " \
               f"preprocessing: " + "; ".join(parts)


def check(harness, config) -> TrainingParity:
    """Runs `config` (a pipeline, or a frontend model alone, with recordings) on the harness's target
    and compares its first stage's outputs with the training features of each recording."""
    return _check(config, lambda index: harness.run_vector(config, index).outputs)


def check_on_host(config) -> TrainingParity:
    """The same check with TFLM on the host standing in for the target (the chain the target's
    outputs are held to bit for bit): a quick answer before flashing, and the unit tests'."""
    info = config.info()
    reference = PipelineReference(info, TflmReference) if info.pipeline else TflmReference(config.tflite)
    vectors = config.recording_vectors(info)
    starts = {r.start for r in vectors.sequences}

    def outputs(index: int) -> list[np.ndarray]:
        if index in starts:
            reference.reset()
        return reference.run(vectors.inputs[index])
    return _check(config, outputs)


def _check(config, device_outputs: Callable[[int], list[np.ndarray]]) -> TrainingParity:
    spec = TrainingSpec.of(config)
    if spec is None:
        raise ConfigError(f"{config.name}: no [training] table in its model.toml")
    if not config.recordings:
        raise ConfigError(f"{config.name}: [training] needs recordings (the `recordings` of [pipeline.input])")
    info = config.info()
    stages = info.pipeline.stages if info.pipeline else []
    frontend = stages[0].stage.tflite if stages else config.tflite
    result = TrainingParity(config.name, stages[0].describe(len(stages)) if stages else "the model",
                            spec.tolerance_lsb)
    device = {**frontend_settings(frontend), **_framing_settings(config)}
    result.settings_differ, result.unreadable = differing_settings(spec.frontend, device)
    vectors = config.recording_vectors(info)
    later = _LaterStages(info) if len(stages) > 1 else None
    invokes = stages[0].stage.invokes if stages else 1
    for recording, indices in zip(config.recordings, vectors.sequences, strict=True):
        runs = [device_outputs(i) for i in indices]
        _compare_recording(result, spec, config, recording, runs, invokes, later)
    result.where = _where(result.features, frontend, config)
    return result


def _framing_settings(config) -> dict:
    framing = config.framing
    return {k: v for k, v in (("sample_rate", framing.sample_rate), ("window_samples", framing.window)) if v}


def _compare_recording(result: TrainingParity, spec: TrainingSpec, config, recording: Path, runs: list,
                       invokes: int, later: _LaterStages | None) -> None:
    """The device's features of one recording ([frames, values]: the first stage's outputs of every
    run, one frame per invoke) against the training features of it."""
    device = np.concatenate([np.asarray(r[0]).reshape(invokes, -1) for r in runs])
    training = np.asarray(spec.features_of(recording, config.framing.sample_rate))
    training = training.reshape(len(training), -1) if training.ndim else training
    if training.ndim != 2 or training.shape[1] != device.shape[1] or len(training) < len(device):
        result.shape_problems.append(f"{recording.name}: device features {list(device.shape)}, training features "
                                     f"{list(training.shape)} (frames x values per frame)")
        return
    training = training[:len(device)].astype(device.dtype)
    result.features.add(recording.name, device, training, result.tolerance)
    if later is not None:
        later.reset()
        for k, run in enumerate(runs):
            host = later.run([training[k * invokes:(k + 1) * invokes]])
            result.agree += int(np.argmax(host) == np.argmax(run[-1]))
            result.runs += 1


class _LaterStages:
    """Every stage after the first on the host (TFLM), fed the training features instead."""

    def __init__(self, info):
        self.reference = PipelineReference(info, TflmReference)

    def reset(self) -> None:
        self.reference.reset()

    def run(self, feed: list[np.ndarray]) -> np.ndarray:
        return self.reference.run_from(1, feed)[-1]


def _where(diff: FeatureDiff, frontend: Path, config) -> str:
    if not diff.max_abs:
        return ""
    framing, text = config.framing, f"in {diff.recording} frame {diff.frame}"
    if framing.sample_rate and (framing.stride or framing.window):
        text += f" ({diff.frame * (framing.stride or framing.window) / framing.sample_rate:.2f} s)"
    text += f", channel {diff.channel}"
    centres = channel_centres_hz(frontend, framing.sample_rate) if framing.sample_rate else None
    if centres is not None and diff.channel < len(centres):
        text += f" (filter-bank channel centred near {centres[diff.channel]:.0f} Hz)"
    return text
