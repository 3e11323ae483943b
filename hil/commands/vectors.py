"""`hil vectors`: a vector file from a user's own float samples, quantized with the model's
input scale and zero point, so suites stream real data instead of random inputs.

    hil vectors model.tflite samples.npy --labels labels.npy     # -> model.npz beside the model
    hil vectors model.tflite samples.npz -o my_vectors.npz       # `x` (or `inputs`), `labels`
    hil vectors model.tflite images/ --range 0 1                 # images/<class>/*.png
    hil vectors model.tflite clips/                              # clips/<class>/*.wav (16-bit PCM)

The output holds `inputs` (the model's input type, leading axis = vector), `x` (the float
samples) and `labels` when known. `pytest --model model.tflite` picks up model.npz beside it.
"""

from __future__ import annotations

import contextlib
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hil.errors import ConfigError
from hil.model.tflite import TensorInfo, load_model
from hil.model.vectors import quantize, read_arrays

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".pgm")
LABEL_KEYS = ("labels", "y")
SAMPLE_KEYS = ("x", "inputs", "samples")


@dataclass
class Samples:
    values: np.ndarray                 # float64, [n, *input shape]
    labels: np.ndarray | None = None
    label_names: list[str] | None = None


# ---- shaping ----


def shape_samples(values: np.ndarray, spec: TensorInfo, source: str) -> np.ndarray:
    """[n, *spec.shape] float64 from an array of samples: [n, *shape], [n, *shape without the
    batch axis], [n, values per sample], or a single sample."""
    arr = np.asarray(values, np.float64)
    per = spec.size
    if arr.size == per and arr.ndim <= len(spec.shape):
        return arr.reshape(1, *spec.shape)
    if arr.ndim >= 1 and arr.shape[0] and arr.size == arr.shape[0] * per:
        return arr.reshape(arr.shape[0], *spec.shape)
    raise ConfigError(f"{source}: shape {list(arr.shape)} does not split into samples of the model's input "
                      f"{list(spec.shape)} ({per} values each); the leading axis must index samples")


# ---- readers ----


def _read_array_file(path: Path) -> tuple[np.ndarray, np.ndarray | None]:
    data = read_arrays(path)
    if path.suffix == ".npy":
        return data[""], None
    keys = [k for k in SAMPLE_KEYS if k in data]
    candidates = [k for k in data if k not in LABEL_KEYS]
    if not keys and len(candidates) != 1:
        raise ConfigError(f"{path}: name the samples array `x` (found {', '.join(data) or 'nothing'})")
    label_key = next((k for k in LABEL_KEYS if k in data), None)
    return data[keys[0] if keys else candidates[0]], (data[label_key] if label_key else None)


def _image(path: Path, spec: TensorInfo, fit: bool) -> np.ndarray:
    try:
        from PIL import Image
    except ImportError:
        raise ConfigError("reading images needs Pillow (pip install pillow), or pass a .npy of floats") from None
    if len(spec.shape) != 4:
        raise ConfigError(f"{path.name}: images need a [1, height, width, channels] input, the model's is "
                          f"{list(spec.shape)}")
    _, height, width, channels = spec.shape
    with Image.open(path) as img:
        img = img.convert("L" if channels == 1 else "RGB")
        if img.size != (width, height):
            if not fit:
                raise ConfigError(f"{path.name} is {img.size[0]}x{img.size[1]}, the model takes {width}x{height} "
                                  "(resize the images, or pass --fit to resize them here)")
            img = img.resize((width, height), Image.Resampling.BILINEAR)
        pixels = np.asarray(img, np.float64)
    if channels not in (1, 3):
        raise ConfigError(f"{path.name}: the model's input has {channels} channels; images give 1 or 3")
    return pixels.reshape(height, width, channels) / 255.0


def _wav(path: Path, spec: TensorInfo, fit: bool) -> np.ndarray:
    try:
        with wave.open(str(path), "rb") as w:
            width, channels, frames = w.getsampwidth(), w.getnchannels(), w.readframes(w.getnframes())
    except (wave.Error, EOFError) as exc:
        raise ConfigError(f"{path.name} is not a PCM .wav file the stdlib `wave` module reads: {exc}") from None
    kinds = {1: (np.uint8, 128.0, 128.0), 2: (np.int16, 0.0, 32768.0), 4: (np.int32, 0.0, 2.0 ** 31)}
    if width not in kinds:
        raise ConfigError(f"{path.name}: {8 * width}-bit samples are not supported (8, 16 or 32-bit PCM)")
    dtype, offset, full_scale = kinds[width]
    audio = (np.frombuffer(frames, dtype).astype(np.float64) - offset) / full_scale
    audio = audio.reshape(-1, channels)[:, 0]  # first channel
    if audio.size != spec.size:
        if not fit:
            raise ConfigError(f"{path.name} has {audio.size} samples, the model's input takes {spec.size} values "
                              "(compute features into a .npy first, or pass --fit to pad/truncate raw audio)")
        audio = np.pad(audio, (0, max(0, spec.size - audio.size)))[:spec.size]
    return audio


def _folder(path: Path, spec: TensorInfo, fit: bool, classes: list[str] | None) -> Samples:
    files = sorted(p for p in path.rglob("*") if p.suffix.lower() in (*IMAGE_SUFFIXES, ".wav"))
    if not files:
        raise ConfigError(f"{path}: no .png/.jpg/.bmp/.pgm or .wav files")
    kinds = {p.suffix.lower() == ".wav" for p in files}
    if len(kinds) > 1:
        raise ConfigError(f"{path} mixes images and .wav files; give one kind per folder")
    read = _wav if kinds == {True} else _image
    values = shape_samples(np.stack([read(p, spec, fit) for p in files]), spec, path.name)
    parents = [p.parent.relative_to(path).as_posix() for p in files]
    if all(parent != "." for parent in parents):  # class subfolders: label = class index
        names = classes or sorted(set(parents))
        unknown = sorted(set(parents) - set(names))
        if unknown:
            raise ConfigError(f"{path}: subfolders {', '.join(unknown)} are not in --classes {','.join(names)}")
        return Samples(values, np.array([names.index(p) for p in parents], np.int32), names)
    return Samples(values)


def _labels_file(path: Path) -> np.ndarray:
    if path.suffix == ".npy":
        return read_arrays(path)[""]
    if path.suffix == ".npz":
        data = read_arrays(path)
        key = next((k for k in LABEL_KEYS if k in data), next(iter(data), None))
        if key is None:
            raise ConfigError(f"{path} holds no arrays")
        return data[key]
    lines = [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]
    try:
        return np.array([float(x) if "." in x else int(x) for x in lines])
    except ValueError:
        raise ConfigError(f"{path}: one numeric label per line expected") from None


def read_samples(path: Path, spec: TensorInfo, *, fit: bool = False, classes: list[str] | None = None) -> Samples:
    if not path.exists():
        raise ConfigError(f"{path}: no such file or folder")
    if path.is_dir():
        return _folder(path, spec, fit, classes)
    if path.suffix not in (".npy", ".npz"):
        raise ConfigError(f"{path}: give a .npy/.npz of float samples or a folder of images or .wav files")
    values, labels = _read_array_file(path)
    values = shape_samples(values, spec, path.name)
    check_finite(values, path)
    return Samples(values, labels)


def check_finite(values: np.ndarray, source: Path) -> None:
    """NaN or inf has no quantized value (it would silently become 0 or saturate): refuse it,
    naming the first sample that holds one."""
    finite = np.isfinite(values.reshape(len(values), -1))
    if finite.all():
        return
    sample = int(np.argmin(finite.all(axis=1)))
    value = values.reshape(len(values), -1)[sample][~finite[sample]][0]
    word = "NaN" if np.isnan(value) else ("inf" if value > 0 else "-inf")
    raise ConfigError(f"{source}: sample {sample} holds {word} ({int((~finite).sum())} non-finite values in all): "
                      "samples must be finite numbers; fix or drop those samples first")


# ---- the vector file ----


def make_vectors(model: Path, samples: Samples, value_range: tuple[float, float] | None = None) -> dict:
    """The arrays of the vector file: `inputs` quantized with the model's input parameters."""
    info = load_model(model)
    if len(info.input_tensors) != 1:
        raise ConfigError(f"{model.name} has {len(info.input_tensors)} inputs; `hil vectors` handles one-input "
                          "models (write input_0, input_1, ... arrays with numpy for more)")
    spec = info.input_tensors[0]
    values = samples.values
    if value_range is not None:  # images arrive in [0, 1]: map to the range the model was trained on
        lo, hi = value_range
        values = lo + (hi - lo) * values
    dtype = spec.np_dtype
    if np.issubdtype(dtype, np.integer):
        if not spec.scales or spec.scale == 0:
            raise ConfigError(f"{model.name}: input {spec.name!r} is {spec.dtype_name} without quantization "
                              "parameters")
        inputs = quantize(values, spec.scale, spec.zero_point, dtype)
    else:
        inputs = values.astype(dtype)
    arrays = {"inputs": inputs, "x": values.astype(np.float32)}
    if samples.labels is not None:
        if len(samples.labels) != len(values):
            raise ConfigError(f"{len(samples.labels)} labels for {len(values)} samples")
        arrays["labels"] = np.asarray(samples.labels)
    if samples.label_names:
        arrays["label_names"] = np.array(samples.label_names)
    return arrays


def clipped_fraction(values: np.ndarray, spec: TensorInfo) -> tuple[float, float, float]:
    """(fraction of values outside the representable range, range low, range high)."""
    if not np.issubdtype(spec.np_dtype, np.integer) or not spec.scales:
        return 0.0, float("-inf"), float("inf")
    info = np.iinfo(spec.np_dtype)
    lo, hi = (info.min - spec.zero_point) * spec.scale, (info.max - spec.zero_point) * spec.scale
    outside = (values < lo - spec.scale / 2) | (values > hi + spec.scale / 2)
    return float(np.mean(outside)), lo, hi


def run(args) -> int:
    from hil.zoo.npzio import write_npz

    model = Path(args.model)
    spec = load_model(model).input_tensors[0]
    out = Path(args.output) if args.output else model.with_suffix(".npz")
    if out.exists() and not args.force:
        raise ConfigError(f"{out} exists; pass --force to replace it or -o to write elsewhere")
    samples = read_samples(Path(args.samples), spec, fit=args.fit,
                           classes=args.classes.split(",") if args.classes else None)
    if args.labels:
        samples.labels = _labels_file(Path(args.labels))
    if args.limit:
        samples = Samples(samples.values[:args.limit],
                          None if samples.labels is None else samples.labels[:args.limit], samples.label_names)
    arrays = make_vectors(model, samples, tuple(args.range) if args.range else None)
    try:
        write_npz(out, arrays)
    except OSError as exc:
        with contextlib.suppress(OSError):
            out.unlink(missing_ok=True)  # no half-written vector file for pytest to pick up
        raise ConfigError(f"cannot write {out} ({exc.strerror or exc}): pass -o with a path in a writable folder") \
            from None
    frac, lo, hi = clipped_fraction(arrays["x"], spec)
    print(f"wrote {out}: {len(arrays['inputs'])} vectors, {spec.dtype_name} {list(spec.shape)}"
          + (f" (scale {spec.scale:.6g}, zero point {spec.zero_point})" if spec.scales else "")
          + (f", labels {len(arrays['labels'])}" if "labels" in arrays else ", no labels"))
    print(f"float samples span [{arrays['x'].min():.4g}, {arrays['x'].max():.4g}]; the input represents "
          f"[{lo:.4g}, {hi:.4g}]; {frac:.2%} of values were clipped")
    if frac > 0.01:
        print("note: more than 1% of the values saturate; check that the samples are preprocessed like the "
              "training data (scaling, normalisation)")
    return 0


def register(sub) -> None:
    parser = sub.add_parser("vectors", help="quantize your own float samples into a vector file for a model")
    parser.add_argument("model", help="the int8 .tflite whose input scale and zero point are used")
    parser.add_argument("samples", help=".npy/.npz of float samples, or a folder of images or .wav files "
                        "(class subfolders give labels)")
    parser.add_argument("-o", "--output", help="output .npz (default: MODEL.npz beside the model, which "
                        "`pytest --model MODEL.tflite` picks up)")
    parser.add_argument("--labels", help="labels: .npy/.npz, or a text file with one per line")
    parser.add_argument("--classes", help="class names in label order, comma-separated (for class subfolders)")
    parser.add_argument("--range", nargs=2, type=float, metavar=("LO", "HI"),
                        help="map samples from [0, 1] (images are read as pixel/255) to [LO, HI]")
    parser.add_argument("--fit", action="store_true", help="resize images / pad or truncate audio to the input size")
    parser.add_argument("--limit", type=int, help="keep the first N samples")
    parser.add_argument("--force", action="store_true", help="replace an existing output file")
    parser.set_defaults(func=run)
