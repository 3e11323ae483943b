"""Reads an audio frontend's settings back from its model, where the frontend is a graph of TFLM's
signal operators (SignalWindow, SignalRfft, SignalFilterBank, ...): the window's shape and length,
the FFT length and whether it auto-scales, the filter-bank channels, noise reduction, PCAN and the
log scale. The training-time check (hil/verdicts/training_parity.py) compares them with the
settings a model card states for its training data, so a mismatch is named by its setting, not
only seen in the features. A frontend of other operators has none of these: every stated setting
is then reported as unreadable and the feature comparison alone decides."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from flatbuffers import flexbuffers
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

# stated setting -> what it means, for messages and docs (docs/pipelines.md)
SETTINGS = {
    "window": "window shape (hann, hamming, rectangular, or custom)",
    "window_samples": "samples per frame (the window's length)",
    "window_shift": "fixed-point bits of the window weights",
    "fft_length": "FFT length",
    "fft_auto_scale": "FFT input auto-scaled (SignalFftAutoScale) or not",
    "channels": "filter-bank channels",
    "filter_bank_bins": "first and last FFT bin the filter bank covers",
    "noise_reduction": "spectral subtraction (SignalFilterBankSpectralSubtraction) present",
    "pcan": "per-channel amplitude normalisation (SignalPCAN) present",
    "log_output_scale": "log scale (SignalFilterBankLog output_scale)",
    "log_correction_bits": "log input correction bits",
}


@dataclass(frozen=True)
class _Op:
    code: str
    options: dict
    inputs: list[np.ndarray | None]  # constant inputs' values, None for the others


def _ops(data: bytes) -> list[_Op]:
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(data, 0))
    graph, ops = model.subgraphs[0], []
    for op in graph.operators or []:
        code = model.operatorCodes[op.opcodeIndex]
        if not code.customCode:
            continue
        options = flexbuffers.Loads(bytes(op.customOptions)) if op.customOptions is not None else {}
        consts = []
        for t in op.inputs:
            buffer = model.buffers[graph.tensors[t].buffer] if t >= 0 else None
            raw = None if buffer is None or buffer.data is None else np.asarray(buffer.data, np.uint8).tobytes()
            consts.append(np.frombuffer(raw, np.int16) if raw and graph.tensors[t].type == schema.TensorType.INT16
                          else None)
        ops.append(_Op(code.customCode.decode(), options if isinstance(options, dict) else {}, consts))
    return ops


# Standard windows, each sampled three ways: periodic (n / N, an FFT frame's, scipy's and librosa's
# default), symmetric (n / (N - 1)) and at half samples ((n + 0.5) / N, TFLM's micro_speech frontend).
WINDOWS = tuple(f"{shape}{way}" for shape in ("hann", "hamming") for way in ("", "-symmetric", "-half-sample")) + (
    "rectangular",)


def window_shape(kind: str, length: int) -> np.ndarray:
    """A standard window's real-valued weights (WINDOWS names them)."""
    if kind not in WINDOWS:
        raise ValueError(f"window {kind!r}: one of {', '.join(WINDOWS)}")
    shape, _, way = kind.partition("-")
    n = np.arange(length, dtype=np.float64)
    phase = {"": n / length, "symmetric": n / max(length - 1, 1), "half-sample": (n + 0.5) / length}[way]
    alpha = {"hann": 0.5, "hamming": 0.54, "rectangular": 1.0}[shape]
    return alpha - (1 - alpha) * np.cos(2 * np.pi * phase)


def window_kind(weights: np.ndarray, shift: int) -> str:
    """The name of the standard window these weights are (to one LSB), else "custom"."""
    for name in WINDOWS:
        if np.all(np.abs(np.round(window_shape(name, len(weights)) * (1 << shift)) - weights) <= 1):
            return name
    return "custom"


def _window(op: _Op, found: dict) -> None:
    weights = op.inputs[1]
    if weights is not None:
        found.update(window=window_kind(weights, int(op.options.get("shift", 0))), window_samples=len(weights))
    found["window_shift"] = int(op.options.get("shift", 0))


def _filter_bank(op: _Op, found: dict) -> None:
    found["channels"] = int(op.options.get("num_channels", 0))
    starts, widths = op.inputs[3], op.inputs[5]
    if starts is not None and widths is not None:
        found["filter_bank_bins"] = [int(starts[0]), int(starts[-1] + widths[-1])]


def frontend_settings(model: Path | bytes) -> dict:
    """The settings of a signal-operator frontend ({} when the model has no signal operators).
    Optional stages a signal frontend lacks read as False (fft_auto_scale, noise_reduction, pcan)."""
    ops = _ops(Path(model).read_bytes() if isinstance(model, (str, Path)) else bytes(model))
    codes = {op.code for op in ops}
    if not any(code.startswith("Signal") for code in codes):
        return {}
    found: dict = {"fft_auto_scale": "SignalFftAutoScale" in codes,
                   "noise_reduction": "SignalFilterBankSpectralSubtraction" in codes, "pcan": "SignalPCAN" in codes}
    for op in ops:
        if op.code == "SignalWindow":
            _window(op, found)
        elif op.code == "SignalRfft":
            found["fft_length"] = int(op.options.get("fft_length", 0))
        elif op.code == "SignalFilterBank":
            _filter_bank(op, found)
        elif op.code == "SignalFilterBankLog":
            found.update(log_output_scale=int(op.options.get("output_scale", 0)),
                         log_correction_bits=int(op.options.get("input_correction_bits", 0)))
    return found


def channel_centres_hz(model: Path, sample_rate: int) -> list[float] | None:
    """The frequency where each filter-bank channel peaks (its rising half ends there), or None for a
    frontend without a SignalFilterBank or an FFT length."""
    ops = _ops(Path(model).read_bytes())
    bank = next((op for op in ops if op.code == "SignalFilterBank"), None)
    fft = next((op for op in ops if op.code == "SignalRfft"), None)
    if bank is None or fft is None or bank.inputs[3] is None or not fft.options.get("fft_length"):
        return None
    channels = int(bank.options.get("num_channels", 0))
    return [float(b) * sample_rate / int(fft.options["fft_length"]) for b in bank.inputs[3][1:channels + 1]]


def differing_settings(stated: dict, device: dict) -> tuple[list[str], list[str]]:
    """(settings that differ, one phrase each; stated settings the device frontend does not show)."""
    differ, unreadable = [], []
    for key, want in stated.items():
        if key not in device:
            unreadable.append(key)
        elif _normal(device[key]) != _normal(want):
            differ.append(f"{key}: device {device[key]!r}, training {want!r}")
    return differ, unreadable


def _normal(value):
    return [_normal(v) for v in value] if isinstance(value, list | tuple) else value
