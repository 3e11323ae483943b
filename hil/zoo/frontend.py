"""An audio frontend written as a model of TFLM's signal operators, from its settings: one frame of
int16 samples in, one int8 feature per filter-bank channel out (the layout TFLM's micro_speech
preprocessor has). A zoo model's build writes it (models/tones_kws/build.py); a test writes
variants of it with one setting changed, which the training-time check must name
(hil/verdicts/training_parity.py reads the settings back, hil/model/frontend.py).

    window -> [FFT auto-scale] -> RFFT -> energy -> mel filter bank -> square root
    -> [noise reduction] -> log -> int8 (clamp((log // divisor) + offset))

The tables (window, filter-bank weights) are computed here from the settings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from flatbuffers import flexbuffers
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from hil.model.frontend import window_shape
from hil.model.writer import Graph, Tensor

WEIGHT_BITS = 12  # filter-bank weights in Q12 (TFLM's FilterBank)
NOISE_BITS = 14   # spectral subtraction's fixed-point fractions


@dataclass(frozen=True)
class FrontendSpec:
    sample_rate: int = 8000
    window_samples: int = 256
    window: str = "hann"          # "hann", "hamming" or "rectangular"
    window_shift: int = 12        # window weights in Q<shift>
    fft_length: int = 256
    fft_auto_scale: bool = True   # False: the spectrum unscaled (a fixed shift of 0)
    channels: int = 16
    lower_hz: float = 125.0
    upper_hz: float = 3800.0
    noise_reduction: bool = True
    log_output_scale: int = 64
    log_correction_bits: int = 3
    int8_divisor: int = 4         # int8 feature = clamp(log // divisor + offset, -128, 127)
    int8_offset: int = -150

    @property
    def bins(self) -> int:
        return self.fft_length // 2 + 1


def window_weights(kind: str, length: int, shift: int) -> np.ndarray:
    return np.round(window_shape(kind, length) * (1 << shift)).clip(-32768, 32767).astype(np.int16)


def _mel(hz: np.ndarray) -> np.ndarray:
    return 1127.0 * np.log1p(hz / 700.0)


def mel_edges(spec: FrontendSpec) -> np.ndarray:
    """channels + 2 strictly increasing FFT bins: channel k rises over [e_k, e_k+1) and falls over
    [e_k+1, e_k+2)."""
    mels = np.linspace(_mel(np.float64(spec.lower_hz)), _mel(np.float64(spec.upper_hz)), spec.channels + 2)
    hz = 700.0 * np.expm1(mels / 1127.0)
    edges = np.round(hz * spec.fft_length / spec.sample_rate).astype(int)
    for k in range(1, len(edges)):  # the narrow low channels still get a bin each
        edges[k] = max(edges[k], edges[k - 1] + 1)
    if edges[-1] >= spec.bins:
        raise ValueError(f"{spec.channels} channels up to {spec.upper_hz} Hz do not fit {spec.bins} FFT bins")
    return edges


def filter_bank_tables(spec: FrontendSpec) -> list[np.ndarray]:
    """TFLM FilterBank's inputs 1-5: weights, unweights, and per table entry (channels + 1) its
    first bin, first weight and width. Entry c covers [e_c, e_c+1): its weight (falling) goes to
    channel c - 1, its unweight (rising) to channel c."""
    edges = mel_edges(spec)
    starts, widths = edges[:-1], np.diff(edges)
    weights = []
    for width in widths:
        rise = (np.arange(width) + 0.5) / width
        weights.append(np.round((1 - rise) * (1 << WEIGHT_BITS)))
    weights = np.concatenate(weights).astype(np.int16)
    unweights = ((1 << WEIGHT_BITS) - weights).astype(np.int16)
    weight_starts = np.concatenate([[0], np.cumsum(widths)[:-1]])
    return [weights, unweights, starts.astype(np.int16), weight_starts.astype(np.int16), widths.astype(np.int16)]


def _custom(graph: Graph, code: str, options: dict, inputs: list, outputs: list) -> list[int]:
    return graph.op(0, inputs, outputs, custom=(code, flexbuffers.Dumps(options)))


def _scalar(value: int) -> Tensor:
    return Tensor((), np.int32, data=np.asarray(value, np.int32))


def _builtin(graph: Graph, code: int, inputs: list, out: Tensor) -> int:
    return graph.op(code, inputs, [out])[0]


NOISE_OPTIONS = {  # spectral subtraction: a slow noise estimate per channel, in Q14
    "smoothing": round(0.025 * (1 << NOISE_BITS)), "alternate_smoothing": round(0.06 * (1 << NOISE_BITS)),
    "min_signal_remaining": round(0.05 * (1 << NOISE_BITS)), "smoothing_bits": 10, "clamping": False,
    "spectral_subtraction_bits": NOISE_BITS}


def _noise_reduction(graph: Graph, spec: FrontendSpec, signal: int) -> int:
    options = dict(NOISE_OPTIONS, num_channels=spec.channels,
                   one_minus_smoothing=(1 << NOISE_BITS) - NOISE_OPTIONS["smoothing"],
                   alternate_one_minus_smoothing=(1 << NOISE_BITS) - NOISE_OPTIONS["alternate_smoothing"])
    channels = (spec.channels,)
    return _custom(graph, "SignalFilterBankSpectralSubtraction", options, [signal],
                   [Tensor(channels, np.uint32), Tensor(channels, np.uint32, name="noise_estimate")])[0]


def _to_int8(graph: Graph, spec: FrontendSpec, log: int) -> int:
    channels = (spec.channels,)
    wide = _builtin(graph, schema.BuiltinOperator.CAST, [log], Tensor(channels, np.int32))
    scaled = _builtin(graph, schema.BuiltinOperator.DIV, [wide, _scalar(spec.int8_divisor)], Tensor(channels, np.int32))
    shifted = _builtin(graph, schema.BuiltinOperator.ADD, [scaled, _scalar(spec.int8_offset)],
                       Tensor(channels, np.int32))
    low = _builtin(graph, schema.BuiltinOperator.MAXIMUM, [shifted, _scalar(-128)], Tensor(channels, np.int32))
    high = _builtin(graph, schema.BuiltinOperator.MINIMUM, [low, _scalar(127)], Tensor(channels, np.int32))
    return _builtin(graph, schema.BuiltinOperator.CAST, [high], Tensor(channels, np.int8, name="features"))


def build_frontend(spec: FrontendSpec) -> bytes:
    """The frontend of `spec` as a .tflite: input int16 [window_samples], output int8 [channels]."""
    g = Graph()
    frame = (spec.window_samples,)
    samples = g.tensor(Tensor(frame, np.int16, name="samples"))
    weights = Tensor(frame, np.int16, data=window_weights(spec.window, spec.window_samples, spec.window_shift),
                     name="window")
    windowed = _custom(g, "SignalWindow", {"shift": spec.window_shift}, [samples, weights],
                       [Tensor(frame, np.int16)])[0]
    if spec.fft_auto_scale:
        windowed, scale_bits = _custom(g, "SignalFftAutoScale", {}, [windowed],
                                       [Tensor(frame, np.int16), Tensor((), np.int32)])
    else:
        scale_bits = g.tensor(_scalar(0))
    spectrum = _custom(g, "SignalRfft", {"T": 7, "fft_length": spec.fft_length}, [windowed],
                       [Tensor((spec.fft_length + 2,), np.int16)])[0]
    energy = _custom(g, "SignalEnergy", {"end_index": spec.bins, "start_index": 0}, [spectrum],
                     [Tensor((spec.bins,), np.uint32)])[0]
    tables = [Tensor(t.shape, np.int16, data=t) for t in filter_bank_tables(spec)]
    channels = (spec.channels,)
    bank = _custom(g, "SignalFilterBank", {"num_channels": spec.channels}, [energy, *tables],
                   [Tensor(channels, np.uint64)])[0]
    signal = _custom(g, "SignalFilterBankSquareRoot", {}, [bank, scale_bits], [Tensor(channels, np.uint32)])[0]
    if spec.noise_reduction:
        signal = _noise_reduction(g, spec, signal)
    log = _custom(g, "SignalFilterBankLog", {"input_correction_bits": spec.log_correction_bits,
                                             "output_scale": spec.log_output_scale},
                  [signal], [Tensor(channels, np.int16)])[0]
    g.outputs = [_to_int8(g, spec, log)]
    return g.build()
