"""Raw recordings as test inputs: WAV (mono, 16-bit PCM) and CSV sensor streams (one row per
sample, one column per channel), framed by the harness into the model's (or pipeline's) input
windows: each invoke of the first stage takes `window` samples, consecutive invokes `stride`
samples apart, and a vector is one pipeline run (`invokes` windows). A recording longer than one
run gives consecutive vectors; for a model with state they form one sequence (the state carries
over inside a recording and is reset between recordings)."""

from __future__ import annotations

import csv
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hil.errors import ConfigError
from hil.model.tflite import TensorInfo
from hil.model.vectors import VectorSet, quantize

SUFFIXES = (".wav", ".csv")


@dataclass(frozen=True)
class Framing:
    window: int | None = None       # samples per invoke (default: what the first stage's input holds)
    stride: int | None = None       # samples between consecutive windows (default: the window)
    sample_rate: int | None = None  # WAV files must have this rate when given


def is_recording(path: Path) -> bool:
    return Path(path).suffix.lower() in SUFFIXES


def read_wav(path: Path, sample_rate: int | None) -> np.ndarray:
    """The samples of a mono 16-bit PCM WAV file, as int16 [n, 1]."""
    try:
        with wave.open(str(path), "rb") as f:
            channels, width, rate, frames = f.getnchannels(), f.getsampwidth(), f.getframerate(), f.getnframes()
            data = f.readframes(frames)
    except (OSError, EOFError, wave.Error) as exc:
        raise ConfigError(f"{path} is not a readable WAV file ({exc}): give mono 16-bit PCM") from None
    if channels != 1 or width != 2:
        raise ConfigError(f"{path}: {channels} channel(s) of {8 * width}-bit samples: the harness frames mono "
                          "16-bit PCM WAV files (convert it, e.g. sox in.wav -c 1 -b 16 out.wav)")
    if sample_rate is not None and rate != sample_rate:
        raise ConfigError(f"{path}: sampled at {rate} Hz, the pipeline expects {sample_rate} Hz: resample it")
    return np.frombuffer(data, "<i2").astype(np.int16).reshape(-1, 1)


def read_csv(path: Path) -> np.ndarray:
    """A CSV sensor stream as float64 [n, channels]: one row per sample (a header row of names is
    skipped)."""
    try:
        with open(path, newline="") as f:
            rows = [r for r in csv.reader(f) if r and any(c.strip() for c in r)]
    except OSError as exc:
        raise ConfigError(f"{path} is not readable ({exc})") from None
    if rows and not _numeric(rows[0]):
        rows = rows[1:]
    if not rows or any(len(r) != len(rows[0]) or not _numeric(r) for r in rows):
        raise ConfigError(f"{path}: a CSV stream needs one row of numbers per sample, every row with the same "
                          "number of columns (one per channel), and at most one header row")
    return np.asarray([[float(c) for c in r] for r in rows], np.float64)


def _numeric(row: list[str]) -> bool:
    try:
        [float(c) for c in row]
    except ValueError:
        return False
    return True


def read_recording(path: Path, framing: Framing) -> np.ndarray:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"recording {path} does not exist")
    return read_wav(path, framing.sample_rate) if path.suffix.lower() == ".wav" else read_csv(path)


def _as_input(samples: np.ndarray, spec: TensorInfo) -> np.ndarray:
    """Samples in the input's type: int16 WAV samples as they are for an int16 input, else in
    full-scale units (WAV / 32768, CSV as written) quantized with the input's scale."""
    if samples.dtype == np.int16 and spec.np_dtype == np.int16:
        return samples
    values = samples / 32768.0 if samples.dtype == np.int16 else samples
    if spec.np_dtype == np.float32:
        return values.astype(np.float32)
    if not spec.scale:
        info = np.iinfo(spec.np_dtype)
        return np.clip(np.round(values), info.min, info.max).astype(spec.np_dtype)
    return quantize(values, spec.scale, spec.zero_point, spec.np_dtype)


def frame(samples: np.ndarray, spec: TensorInfo, invokes: int, framing: Framing, path: Path) -> list[np.ndarray]:
    """The vectors of one recording for an input `spec` (stacked over `invokes` when > 1)."""
    per_invoke = int(np.prod(spec.shape[1:] if invokes > 1 else spec.shape))
    channels = samples.shape[1]
    if per_invoke % channels:
        raise ConfigError(f"{path}: {channels} channels do not divide the {per_invoke} values of an input window")
    window = framing.window or per_invoke // channels
    stride = framing.stride or window
    if window * channels != per_invoke:
        raise ConfigError(f"window {window} samples x {channels} channels is not the {per_invoke} values the "
                          f"first stage takes per invoke")
    windows = 1 + (len(samples) - window) // stride if len(samples) >= window else 0
    if windows < invokes:
        need = (invokes - 1) * stride + window
        raise ConfigError(f"{path}: {len(samples)} samples; one run takes {invokes} windows of {window} samples "
                          f"{stride} apart, {need} samples: give a longer recording")
    data = _as_input(samples, spec)
    out = []
    for v in range(windows // invokes):
        starts = [(v * invokes + j) * stride for j in range(invokes)]
        out.append(np.stack([data[s:s + window] for s in starts]).reshape(spec.shape))
    return out


def recording_vectors(files: list[Path], spec: TensorInfo, invokes: int, framing: Framing) -> VectorSet:
    """Every recording framed into vectors of a one-input model or pipeline; one sequence each."""
    vectors, sequences = [], []
    for path in files:
        framed = frame(read_recording(path, framing), spec, invokes, framing, path)
        sequences.append(range(len(vectors), len(vectors) + len(framed)))
        vectors += [[v] for v in framed]
    source = ", ".join(Path(f).name for f in files)
    return VectorSet(vectors, source=f"recordings {source}", sequences=sequences)
