"""The quantization trade-off: one model as int8, float16 weights and float32 on the same board,
side by side: flash, arena, cycles and latency (with provenance), energy per inference
(`estimated` from the board's [power] model, or `measured` with a power monitor), quality on the
test split against the float Keras model, and parity with the host reference.

The three .tflite files come from the model's build script (models/<name>/build.py, via
hil.zoo): <name>.tflite (full int8), <name>_fp16.tflite (float16 weights, float32 activations)
and <name>_float32.tflite. The int8 model reads the committed quantized test split; the float
models read the float test split from the model's own dataset() (checked to quantize to exactly
the committed inputs, so it is the same split), else the dequantized int8 inputs (said so).
"""

from __future__ import annotations

import html
import json
import statistics
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from hil.errors import ConfigError
from hil.model.catalog import ModelConfig
from hil.model.vectors import VectorSet, dequantize, load_vectors, quantize
from hil.verdicts import quality
from hil.verdicts.energy import EnergyStats, energy_text, estimate
from hil.verdicts.float_parity import ABS_TOL, REL_TOL

VARIANTS = (("int8", "{}.tflite"), ("float16 weights", "{}_fp16.tflite"), ("float32", "{}_float32.tflite"))
SCHEMA = 1


@dataclass
class FloatVariant(ModelConfig):
    """A catalog model's float conversion: the int8 model's vectors dequantized to float32 (or
    explicit float inputs), compared with the float tolerance."""

    base: ModelConfig | None = None
    float_inputs: list[list[np.ndarray]] | None = None

    def vectors(self, limit: int | None = None) -> VectorSet:
        if self.float_inputs is not None:
            chosen = self.float_inputs[:limit] if limit else self.float_inputs
            return VectorSet(list(chosen), source=f"float inputs of {self.base.name}")
        base = self.base.vectors(limit)
        specs = self.base.info().input_tensors
        inputs = [[dequantize(a, t.scale, t.zero_point).astype(np.float32) for a, t in zip(v, specs, strict=True)]
                  for v in base.inputs]
        return VectorSet(inputs, base.labels, f"{base.source} (int8 vectors dequantized to float32)", base.extra)


def variant_path(config: ModelConfig, kind: str) -> Path:
    stem = config.tflite.name.removesuffix(".tflite")
    return config.tflite.with_name(dict(VARIANTS)[kind].format(stem))


def float_variants(config: ModelConfig) -> list[FloatVariant]:
    """The float16-weights and float32 conversions that exist beside a catalog model."""
    out = []
    for kind, _ in VARIANTS[1:]:
        path = variant_path(config, kind)
        if path.is_file():
            out.append(FloatVariant(name=path.stem, tflite=path, base=config, config_path=config.config_path))
    return out


# ---- one trade-off run ----


@dataclass
class VariantRow:
    variant: str
    tflite: str
    model_bytes: int          # the .tflite flatbuffer (what the variant stores in flash)
    flash_bytes: int          # the whole firmware image with this model
    ram_bytes: int
    arena_bytes: int          # tensor arena the target reports for this model
    cycles_worst: int
    cycles_median: int
    latency_us_worst: float
    latency_us_median: float
    provenance: str
    quality: float            # the task's metric on the test split, on the target
    vs_keras: float           # classification: top-1 agreement with Keras; else mean |output - Keras|
    parity: str               # target vs host reference
    parity_ok: bool
    max_abs_error: float
    max_ulp: int | None
    max_rel_error: float | None  # float variants: over elements with |host| >= the absolute tolerance
    vectors: int
    firmware_key: str
    energy_uj: float | None = None          # median energy per inference; None without [power] or a monitor
    energy_min_uj: float | None = None
    energy_max_uj: float | None = None
    energy_provenance: str | None = None    # estimated | measured
    energy_source: str | None = None

    def energy_text(self) -> str:
        if self.energy_uj is None:
            return "-"
        return f"{energy_text(self.energy_uj)} [{self.energy_provenance}]"


@dataclass
class Tradeoff:
    model: str
    board: str
    core: str
    cpu_hz: int
    provenance: str
    task: str
    metric: str
    vs_keras: str             # what the vs_keras column means
    keras_quality: float
    vectors: int
    float_inputs: str
    rows: list[VariantRow] = field(default_factory=list)
    command: str = ""
    generated_at: str = ""

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Tradeoff:
        rows = [VariantRow(**r) for r in data.get("rows", [])]
        return cls(**{**data, "rows": rows})

    # -- rendering --

    def _fmt_quality(self, value: float) -> str:
        return f"{value:.2%}" if self.metric == "accuracy" else f"{value:.4f}"

    def _fmt_vs_keras(self, value: float) -> str:
        return f"{value:.2%}" if self.task == "classification" else f"{value:.3g}"

    def cells(self) -> tuple[list[str], list[list[str]]]:
        header = ["variant", "model", "flash (firmware)", "arena", "cycles worst", "latency worst",
                  "energy / inference", self.metric, self.vs_keras, "target vs host"]
        rows = [["float (Keras, host)", "-", "-", "-", "-", "-", "-", self._fmt_quality(self.keras_quality), "-",
                 "-"]]
        for r in self.rows:
            rows.append([r.variant, f"{r.model_bytes:,} B", f"{r.flash_bytes:,} B", f"{r.arena_bytes:,} B",
                         f"{r.cycles_worst:,} [{r.provenance}]", f"{r.latency_us_worst / 1000:.2f} ms",
                         r.energy_text(), self._fmt_quality(r.quality), self._fmt_vs_keras(r.vs_keras), r.parity])
        return header, rows

    def title(self) -> str:
        return (f"{self.model} on {self.board} ({self.core}, {self.cpu_hz / 1e6:g} MHz): {self.vectors} test "
                f"vectors, {self.metric} vs the float Keras model")

    def terminal(self) -> str:
        header, rows = self.cells()
        widths = [max(len(x) for x in col) for col in zip(header, *rows, strict=True)]
        lines = [self.title(), "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
        return "\n".join(lines + self.notes())

    def markdown(self) -> str:
        header, rows = self.cells()

        def line(cells: list[str]) -> str:
            return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
        out = [f"### {self.title()}", "", line(header), "|" + "---|" * len(header)]
        out += [line(row) for row in rows]
        return "\n".join(out + [""] + [f"- {n.strip()}" for n in self.notes()]) + "\n"

    def notes(self) -> list[str]:
        notes = [f"  cycles and latency: {self.provenance} ({PROVENANCE.get(self.provenance, '')}); median "
                 + ", ".join(f"{r.variant} {r.cycles_median:,}" for r in self.rows)]
        f32 = next((r for r in self.rows if r.variant == "float32"), None)
        if f32:
            notes.append("  flash saved vs float32: " + "; ".join(
                f"{r.variant} model {f32.model_bytes - r.model_bytes:,} B ({1 - r.model_bytes / f32.model_bytes:.0%}), "
                f"firmware {f32.flash_bytes - r.flash_bytes:,} B" for r in self.rows if r is not f32))
        notes += self.energy_notes(f32)
        notes.append(f"  float inputs: {self.float_inputs}")
        notes.append(f"  float parity tolerance: |target - host| <= {ABS_TOL:g} + {REL_TOL:g} x |host|")
        if self.command:
            notes.append(f"  command: {self.command}")
        return notes


    def energy_notes(self, f32: VariantRow | None) -> list[str]:
        """Energy per inference (median) of each variant against float32, only between figures of one
        provenance and source; and where the figures come from."""
        rows = [r for r in self.rows if r.energy_uj is not None]
        if not rows:
            return ["  energy: not estimated (the board profile has no [power] model) and not measured"]
        notes = []
        if f32 and f32.energy_uj:
            same = [r for r in rows if r is not f32 and (r.energy_provenance, r.energy_source)
                    == (f32.energy_provenance, f32.energy_source)]
            if same:
                notes.append("  energy per inference vs float32: " + "; ".join(
                    f"{r.variant} {energy_text(r.energy_uj)} = {r.energy_uj / f32.energy_uj:.0%} of "
                    f"{energy_text(f32.energy_uj)}" for r in same))
        for provenance, source in dict.fromkeys((r.energy_provenance, r.energy_source) for r in rows):
            notes.append(f"  energy [{provenance}], median per inference (min-max: " + ", ".join(
                f"{r.variant} {energy_text(r.energy_min_uj)}-{energy_text(r.energy_max_uj)}" for r in rows
                if (r.energy_provenance, r.energy_source) == (provenance, source)) + f"): {source}")
        return notes


PROVENANCE = {"virtual": "instruction counts from the emulator, not cycles of real silicon",
              "dwt": "DWT CYCCNT of the board", "systick": "SysTick on the core clock"}


def _test_split(config: ModelConfig, limit: int | None) -> tuple[dict, VectorSet]:
    table = config.extra.get("quality")
    if not table:
        raise ConfigError(f"{config.name}: no [quality] table in its model.toml (the trade-off needs its test split)")
    path = config.config_path.parent / table["vectors"] if "vectors" in table else config.vectors_file
    vectors = load_vectors(path, config.info().input_tensors, limit)
    vectors.extra = {k: v[:len(vectors)] for k, v in vectors.extra.items()}  # the limit cuts inputs and labels only
    if "float_outputs" not in vectors.extra or vectors.labels is None:
        raise ConfigError(f"{path} lacks float_outputs or labels (rebuild it with `hil models build {config.name}`)")
    return table, vectors


def float_test_inputs(config: ModelConfig, vectors: VectorSet) -> tuple[np.ndarray, str]:
    """The float inputs of the test split: the model's dataset() when it reproduces the committed
    int8 inputs exactly (same split, same order), else the int8 inputs dequantized."""
    t = config.info().input_tensors[0]
    q = np.stack([v[0] for v in vectors.inputs])
    if "x" in vectors.extra and len(vectors.extra["x"]) >= len(q):
        x = np.asarray(vectors.extra["x"][:len(q)], np.float32).reshape(q.shape)
        return x, "the float test inputs stored with the vectors (`x`)"
    try:
        from hil import zoo

        x = np.asarray(zoo.load_source(config.name).dataset().x_test, np.float32)[:len(q)].reshape(q.shape)
        if np.array_equal(quantize(x, t.scale, t.zero_point, np.int8), q):
            return x, f"models/{config.name}/build.py dataset() test split (quantizes to the committed int8 inputs)"
    except (ConfigError, ImportError, ValueError) as exc:
        reason = str(exc)
    else:
        reason = "its dataset() does not reproduce the committed inputs"
    return (dequantize(q, t.scale, t.zero_point).astype(np.float32),
            f"the int8 inputs dequantized ({reason})")


def _quality(task: str, outputs: np.ndarray, labels: np.ndarray, x: np.ndarray, classes: int | None) -> dict:
    return quality.evaluate(task, outputs, labels, x, classes)


def _vs_keras(task: str, measured: dict, keras: dict, outputs: np.ndarray, keras_out: np.ndarray) -> float:
    if task == "classification":
        return float(np.mean(measured["predictions"] == keras["predictions"]))
    return float(np.mean(np.abs(outputs.reshape(len(outputs), -1) - keras_out.reshape(len(keras_out), -1))))


def run_tradeoff(harness, config: ModelConfig, limit: int | None = None, progress=None) -> Tradeoff:
    """Runs every variant of `config` over its test split on the harness's board."""
    table, vectors = _test_split(config, limit)
    task = table["task"]
    metric = quality.PRIMARY[task][0]
    keras_out = np.asarray(vectors.extra["float_outputs"], np.float64)
    classes = int(keras_out[0].size) if task == "classification" else None
    x, float_note = float_test_inputs(config, vectors)
    keras = _quality(task, keras_out, vectors.labels, x, classes)
    missing = [variant_path(config, k).name for k, _ in VARIANTS if not variant_path(config, k).is_file()]
    if missing:
        raise ConfigError(f"{config.name}: {', '.join(missing)} missing: rebuild with `hil models build {config.name}`")
    result = Tradeoff(config.name, harness.profile.name, harness.profile.core, harness.profile.cpu_hz, "",
                      task, metric, "top-1 agreement with Keras" if task == "classification"
                      else "mean |output - Keras|", keras[metric], len(vectors), float_note)
    variants: list[tuple[str, ModelConfig, list[list[np.ndarray]]]] = [("int8", config, vectors.inputs)]
    for variant in float_variants(config):
        kind = "float32" if variant.tflite.name.endswith("_float32.tflite") else "float16 weights"
        variant.float_inputs = [[x[i]] for i in range(len(x))]
        variants.append((kind, variant, variant.float_inputs))
    for kind, cfg, inputs in sorted(variants, key=lambda v: [k for k, _ in VARIANTS].index(v[0])):
        if progress:
            progress(f"{config.name}: {kind} ({cfg.tflite.name}), {len(inputs)} vectors")
        result.rows.append(_run_variant(harness, kind, cfg, inputs, task, vectors.labels, x, classes, keras,
                                        keras_out))
    result.provenance = result.rows[0].provenance if result.rows else ""
    result.generated_at = datetime.now(UTC).isoformat(timespec="seconds")
    return result


def variant_energy(harness, cfg: ModelConfig, clock, ticks: list[int]) -> EnergyStats | None:
    """Measured with the harness's power monitor when one is attached (a RUN of its own), else
    estimated from this variant's ticks and the board's [power] model; None without either."""
    if harness.power_monitor is not None:
        return harness.energy(cfg)
    power = harness.profile.power
    return estimate(clock, ticks, power) if power is not None and ticks else None


def _energy_fields(stats: EnergyStats | None) -> dict:
    if stats is None:
        return {}
    return {"energy_uj": stats.median_uj, "energy_min_uj": stats.min_uj, "energy_max_uj": stats.max_uj,
            "energy_provenance": stats.provenance, "energy_source": stats.source}


def _run_variant(harness, kind, cfg, inputs, task, labels, x, classes, keras, keras_out) -> VariantRow:
    target = harness.target(cfg)
    outputs, ticks, parities = [], [], []
    is_float = target.parity.floating
    for vector in inputs:
        inference = harness.infer(target, vector)
        outputs.append(inference.outputs[0])
        ticks.extend(inference.ticks)
        parities.append(target.compare(inference.outputs, target.reference.run(vector)))
    out_t = target.info.output_tensors[0]
    values = np.stack(outputs).astype(np.float64)
    if not is_float:
        values = dequantize(values, out_t.scale, out_t.zero_point)
    measured = _quality(task, values, labels, x, classes)
    cycles = [target.clock.cycles(t) for t in ticks]
    ok = sum(p.within_tolerance for p in parities)
    worst = max(parities, key=lambda p: p.max_abs_diff)
    if is_float:
        parity = (f"{ok}/{len(parities)} within tolerance; max |error| {worst.max_abs_error:.2g}, relative "
                  f"{max(p.max_rel_error for p in parities):.2g}, {max(p.max_ulp for p in parities)} ULP")
    else:
        parity = f"{sum(p.exact for p in parities)}/{len(parities)} bit-exact"
    fp = target.firmware.footprint
    return VariantRow(
        kind, cfg.tflite.name, cfg.tflite.stat().st_size, fp.flash_bytes, fp.ram_bytes, target.device.ready.arena_used,
        max(cycles), int(statistics.median(cycles)), target.clock.latency_us(max(cycles)),
        target.clock.latency_us(statistics.median(cycles)), target.clock.provenance,
        float(measured[quality.PRIMARY[task][0]]), _vs_keras(task, measured, keras, values, keras_out), parity,
        ok == len(parities), float(worst.max_abs_diff), max(p.max_ulp for p in parities) if is_float else None,
        max(p.max_rel_error for p in parities) if is_float else None, len(parities), target.firmware.key,
        **_energy_fields(variant_energy(harness, cfg, target.clock, ticks)))


# ---- the JSON file the report reads, and the Markdown table ----


def load_all(path: Path) -> list[Tradeoff]:
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text())
        return [Tradeoff.from_json(t) for t in data.get("tradeoffs", [])]
    except (ValueError, TypeError, KeyError) as exc:
        raise ConfigError(f"{path} is not a trade-off file written by `hil tradeoff`: {exc}") from None


def save(path: Path, result: Tradeoff) -> list[Tradeoff]:
    """Adds (or replaces, for the same model and board) one trade-off in the JSON file."""
    kept = [t for t in load_all(path) if (t.model, t.board) != (result.model, result.board)]
    everything = sorted([*kept, result], key=lambda t: (t.model, t.board))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"schema": SCHEMA, "tradeoffs": [t.as_json() for t in everything]}, indent=2) + "\n")
    return everything


def markdown_all(tradeoffs: list[Tradeoff]) -> str:
    return "## Quantization trade-off\n\n" + "\n".join(t.markdown() for t in tradeoffs)


def html_section(tradeoffs: list[Tradeoff]) -> str:
    """The report's section (hil/report/html.py), one table per model and board."""
    if not tradeoffs:
        return ""
    parts = ['<section id="tradeoff"><h2>Quantization trade-off</h2><p class="meta">The same model as int8, '
             "float16 weights and float32 on the same board (<code>hil tradeoff</code>). Cycles are "
             "instruction counts on emulators: a float instruction counts as one, as an integer one does.</p>"]
    for t in tradeoffs:
        header, rows = t.cells()
        head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
        notes = "".join(f"<li>{html.escape(n.strip())}</li>" for n in t.notes())
        parts.append(f"<h3>{html.escape(t.title())}</h3><table class='tradeoff'><thead><tr>{head}</tr></thead>"
                     f"<tbody>{body}</tbody></table><ul class='meta'>{notes}</ul>")
    return "".join(parts) + "</section>"
