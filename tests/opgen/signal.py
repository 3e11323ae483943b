"""TFLM's signal library (the audio frontend as custom operators SignalWindow, SignalRfft, ...):
single-operator models written with the schema's object API, the options as the flexbuffer maps
TFLM's kernels read. Parameters are drawn per seed within what TFLM's kernels accept; inputs are
drawn by each generator's sampler (audio-like levels, shift counts in range), and the stateful
operators (Framer, Stacker, Delay, OverlapAdd, FilterBankSpectralSubtraction) carry their state
from one test vector to the next, on the engine as in TFLM's interpreter."""

from __future__ import annotations

import numpy as np
from flatbuffers import flexbuffers

from . import generator
from .flatbuffer import Tensor, single_op_model

INT16, INT32, FLOAT32 = 7, 2, 0  # TensorType values of option T
FFT_LENGTHS = (8, 16, 24, 40, 64, 96, 120, 128, 160, 256, 480, 512)  # halves factor into 2, 3, 4, 5


def _model(code: str, options: dict, inputs: list[Tensor], outputs: list[Tensor]) -> bytes:
    return single_op_model(0, inputs, outputs, custom=(code, flexbuffers.Dumps(options)))


def _levels(rng: np.random.Generator, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """Signal-like values: a random level per vector (quiet to full scale), for integer and float."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return (rng.normal(0, 1, shape) * 10.0 ** rng.uniform(-3, 1)).astype(dtype)
    info = np.iinfo(dtype)
    level = 2.0 ** rng.uniform(0, np.log2(float(info.max)))
    return np.clip(np.round(rng.normal(0, level, shape)), info.min, info.max).astype(dtype)


def _sample_levels(rng: np.random.Generator, specs: list[tuple[tuple[int, ...], np.dtype]]) -> list[np.ndarray]:
    return [_levels(rng, shape, dtype) for shape, dtype in specs]


def _sample_full(rng: np.random.Generator, specs: list[tuple[tuple[int, ...], np.dtype]]) -> list[np.ndarray]:
    """Uniform over the integer range, or quiet values, half the vectors each."""
    quiet = rng.random() < 0.5
    out = []
    for shape, dtype in specs:
        info = np.iinfo(dtype)
        high = min(int(info.max), 1 << int(rng.integers(4, 24))) if quiet else int(info.max)
        out.append(rng.integers(0, high, size=shape, endpoint=True, dtype=dtype))
    return out


@generator("SignalWindow", quant="none", sample=_sample_levels)
def window(rng: np.random.Generator) -> bytes:
    length = int(rng.integers(4, 64))
    frames = int(rng.integers(1, 4))
    shift = int(rng.integers(8, 16))
    hann = np.round((1 << shift) * 0.5 * (1 - np.cos(2 * np.pi * np.arange(length) / length)))
    weights = np.clip(hann * rng.uniform(0.5, 2.0), -32768, 32767).astype(np.int16)  # some gain above 1: saturates
    shape = (frames, length)
    return _model("SignalWindow", {"shift": shift},
                  [Tensor(shape, np.int16), Tensor((length,), np.int16, data=weights)], [Tensor(shape, np.int16)])


@generator("SignalFftAutoScale", quant="none", sample=_sample_levels)
def fft_auto_scale(rng: np.random.Generator) -> bytes:
    length = int(rng.integers(8, 600))
    return _model("SignalFftAutoScale", {}, [Tensor((length,), np.int16)],
                  [Tensor((length,), np.int16), Tensor((), np.int32)])


def _fft_model(rng: np.random.Generator, code: str, dtype, inverse: bool) -> bytes:
    fft_length = int(rng.choice(FFT_LENGTHS))
    frames = int(rng.integers(1, 3))
    t = {np.int16: INT16, np.int32: INT32, np.float32: FLOAT32}[dtype]
    if inverse:
        shapes = ((frames, fft_length + 2), (frames, fft_length))
    else:
        shapes = ((frames, int(rng.integers(fft_length // 2, fft_length + 1))), (frames, fft_length + 2))
    return _model(code, {"T": t, "fft_length": fft_length}, [Tensor(shapes[0], dtype)], [Tensor(shapes[1], dtype)])


def _register_fft(code: str, name: str, dtype: type, inverse: bool) -> None:
    def fft(rng: np.random.Generator) -> bytes:
        return _fft_model(rng, code, dtype, inverse)

    fft.__name__ = fft.__qualname__ = name
    generator(code, quant="none", sample=_sample_levels)(fft)


for _code, _prefix, _inverse in (("SignalRfft", "rfft", False), ("SignalIrfft", "irfft", True)):
    for _suffix, _dtype in (("int16", np.int16), ("int32", np.int32), ("float", np.float32)):
        _register_fft(_code, f"{_prefix}_{_suffix}", _dtype, _inverse)


@generator("SignalEnergy", quant="none", sample=_sample_levels)
def energy(rng: np.random.Generator) -> bytes:
    """Every bin: TFLM leaves the outputs outside [start_index, end_index) unwritten, whatever its arena held
    (tests/test_signal_ops.py checks sub-ranges within the range)."""
    bins = int(rng.integers(4, 300))
    return _model("SignalEnergy", {"end_index": bins, "start_index": 0}, [Tensor((2 * bins,), np.int16)],
                  [Tensor((bins,), np.uint32)])


def _filter_bank_tables(rng: np.random.Generator, bins: int, channels: int) -> list[np.ndarray]:
    """Triangular filters over bins: channel c spans from its start to the next channel's start;
    weights (Q12) fall across it and unweights (4096 - weight) rise into the next channel."""
    edges = np.sort(rng.choice(np.arange(1, bins), size=channels + 1, replace=False))
    starts = edges[:-1].astype(np.int16)
    widths = np.diff(edges).astype(np.int16)
    weight_starts = np.concatenate([[0], np.cumsum(widths)[:-1]]).astype(np.int16)
    total = int(widths.sum())
    weights = rng.integers(0, 4097, size=total).astype(np.int16)
    unweights = (4096 - weights).astype(np.int16)
    pad = lambda a: np.concatenate([[0], a]).astype(np.int16)  # noqa: E731 - channel 0 is TFLM's scratch channel
    return [weights, unweights, pad(starts), pad(weight_starts), pad(widths)]


@generator("SignalFilterBank", quant="none", sample=_sample_full)
def filter_bank(rng: np.random.Generator) -> bytes:
    bins = int(rng.integers(16, 260))
    channels = int(rng.integers(2, min(41, bins - 2)))
    weights, unweights, starts, weight_starts, widths = _filter_bank_tables(rng, bins, channels)
    inputs = [Tensor((bins,), np.uint32)] + [Tensor(a.shape, np.int16, data=a)
                                             for a in (weights, unweights, starts, weight_starts, widths)]
    return _model("SignalFilterBank", {"num_channels": channels}, inputs, [Tensor((channels,), np.uint64)])


def _sample_square_root(rng: np.random.Generator, specs) -> list[np.ndarray]:
    (shape, _), _ = specs
    values = rng.integers(0, np.iinfo(np.uint64).max >> int(rng.integers(0, 40)), size=shape, dtype=np.uint64,
                          endpoint=True)
    return [values, np.array(rng.integers(0, 16), np.int32)]


@generator("SignalFilterBankSquareRoot", quant="none", sample=_sample_square_root)
def filter_bank_square_root(rng: np.random.Generator) -> bytes:
    channels = int(rng.integers(1, 64))
    return _model("SignalFilterBankSquareRoot", {}, [Tensor((channels,), np.uint64), Tensor((), np.int32)],
                  [Tensor((channels,), np.uint32)])


@generator("SignalFilterBankSpectralSubtraction", quant="none", sample=_sample_full)
def spectral_subtraction(rng: np.random.Generator) -> bytes:
    channels = int(rng.integers(1, 64))
    bits = 14
    smoothing, alternate = (int(v) for v in rng.integers(1, 1 << 12, size=2))
    options = {"alternate_one_minus_smoothing": (1 << bits) - alternate,
               "alternate_smoothing": alternate if rng.random() < 0.5 else smoothing,
               "clamping": bool(rng.random() < 0.5), "min_signal_remaining": int(rng.integers(0, 1 << bits)),
               "num_channels": channels, "one_minus_smoothing": (1 << bits) - smoothing, "smoothing": smoothing,
               "smoothing_bits": int(rng.integers(0, 11)), "spectral_subtraction_bits": bits}
    return _model("SignalFilterBankSpectralSubtraction", options, [Tensor((channels,), np.uint32)],
                  [Tensor((channels,), np.uint32), Tensor((channels,), np.uint32)])


@generator("SignalPCAN", quant="none", sample=_sample_full)
def pcan(rng: np.random.Generator) -> bytes:
    channels = int(rng.integers(1, 64))
    lut = rng.integers(-2000, 8000, size=125).astype(np.int16)
    return _model("SignalPCAN", {"snr_shift": int(rng.integers(0, 14))},
                  [Tensor((channels,), np.uint32), Tensor((channels,), np.uint32), Tensor((125,), np.int16, data=lut)],
                  [Tensor((channels,), np.uint32)])


@generator("SignalFilterBankLog", quant="none", sample=_sample_full)
def filter_bank_log(rng: np.random.Generator) -> bytes:
    channels = int(rng.integers(1, 64))
    options = {"input_correction_bits": int(rng.integers(0, 8)), "output_scale": int(rng.integers(1, 1 << 12))}
    return _model("SignalFilterBankLog", options, [Tensor((channels,), np.uint32)], [Tensor((channels,), np.int16)])


def framer_model(rng: np.random.Generator, prefill: bool) -> bytes:
    step = int(rng.integers(1, 40))
    size = step * int(rng.integers(1, 4)) + int(rng.integers(0, step))
    frames = int(rng.integers(1, 4))
    outer = int(rng.integers(1, 3))
    options = {"frame_size": size, "frame_step": step, "prefill": prefill}
    return _model("SignalFramer", options, [Tensor((outer, frames * step), np.int16)],
                  [Tensor((outer, frames, size), np.int16), Tensor((), np.bool_)])


@generator("SignalFramer", quant="none", sample=_sample_levels)
def framer(rng: np.random.Generator) -> bytes:
    """Prefilled, so every frame is complete: TFLM leaves the frames of an invalid output unwritten,
    whatever its arena held (tests/test_signal_ops.py checks the unfilled start on valid outputs)."""
    return framer_model(rng, prefill=True)


def stacker_model(rng: np.random.Generator, right: int) -> bytes:
    channels = int(rng.integers(1, 40))
    left = int(rng.integers(0, 4))
    options = {"num_channels": channels, "stacker_left_context": left, "stacker_right_context": right,
               "stacker_step": int(rng.integers(1, left + right + 2))}
    return _model("SignalStacker", options, [Tensor((channels,), np.int16)],
                  [Tensor((channels * (left + right + 1),), np.int16), Tensor((), np.bool_)])


@generator("SignalStacker", quant="none", sample=_sample_levels)
def stacker(rng: np.random.Generator) -> bytes:
    """No right context, so the first output is complete (as with Framer, an invalid output is unwritten)."""
    return stacker_model(rng, right=0)


@generator("SignalDelay", quant="none", sample=_sample_levels)
def delay(rng: np.random.Generator) -> bytes:
    shape = (int(rng.integers(1, 3)), int(rng.integers(1, 50)))
    return _model("SignalDelay", {"delay_length": int(rng.integers(0, 2 * shape[1] + 2))},
                  [Tensor(shape, np.int16)], [Tensor(shape, np.int16)])


def _overlap_add(rng: np.random.Generator, dtype, t: int) -> bytes:
    size = int(rng.integers(2, 64))
    step = int(rng.integers(1, size + 1))
    outer, frames = int(rng.integers(1, 3)), int(rng.integers(1, 4))
    return _model("SignalOverlapAdd", {"T": t, "frame_step": step}, [Tensor((outer, frames, size), dtype)],
                  [Tensor((outer, frames * step), dtype)])


@generator("SignalOverlapAdd", quant="none", sample=_sample_levels)
def overlap_add_int16(rng: np.random.Generator) -> bytes:
    return _overlap_add(rng, np.int16, INT16)


@generator("SignalOverlapAdd", quant="none", sample=_sample_levels)
def overlap_add_float(rng: np.random.Generator) -> bytes:
    return _overlap_add(rng, np.float32, FLOAT32)
