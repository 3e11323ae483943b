"""`hil tradeoff` end to end on QEMU: digits_cnn as int8, float16 weights and float32 on the
same Cortex-M4, its JSON and Markdown tables, and the section `hil report` renders from them.
A subset of the test split (--vectors) keeps it short; the figures in docs/quantization.md come
from the whole split."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hil.boards.profile import find_profile
from hil.harness.tradeoff import Tradeoff, VariantRow, html_section, load_all, save

ROOT = Path(__file__).resolve().parents[1]
ENV = {k: v for k, v in os.environ.items() if k not in ("HIL_RESULTS_DB", "PYTEST_ADDOPTS", "GITHUB_STEP_SUMMARY")}
VECTORS = 40


@pytest.fixture(scope="module")
def tradeoff_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("tradeoff")
    result = subprocess.run([sys.executable, "-m", "hil.cli", "tradeoff", "--board", "qemu", "digits_cnn",
                             "--vectors", str(VECTORS), "--json", str(out / "tradeoff.json")],
                            cwd=ROOT, capture_output=True, text=True, timeout=900, env=ENV)
    return out, result


def test_three_variants_side_by_side(tradeoff_run):
    out, result = tradeoff_run
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    print(result.stdout)
    [entry] = json.loads((out / "tradeoff.json").read_text())["tradeoffs"]
    assert (entry["model"], entry["board"], entry["vectors"], entry["metric"]) == ("digits_cnn", "qemu", VECTORS,
                                                                                   "accuracy")
    rows = {r["variant"]: r for r in entry["rows"]}
    assert list(rows) == ["int8", "float16 weights", "float32"]
    int8, fp16, f32 = rows["int8"], rows["float16 weights"], rows["float32"]
    for row in rows.values():
        assert row["parity_ok"] and row["vectors"] == VECTORS and row["provenance"] == "virtual"
        assert row["cycles_worst"] >= row["cycles_median"] > 0 and 0.5 < row["quality"] <= 1.0
        assert row["latency_us_worst"] == pytest.approx(row["cycles_worst"] / 25.0)  # 25 MHz
    assert int8["parity"] == f"{VECTORS}/{VECTORS} bit-exact" and int8["max_ulp"] is None
    assert f32["max_abs_error"] <= 1e-5 and f32["max_rel_error"] is not None and f32["max_ulp"] >= 0
    # What each step of quantization buys: smaller models in flash ...
    assert int8["model_bytes"] < fp16["model_bytes"] < f32["model_bytes"]
    # Firmware flash is kernels + model: float16 and float32 link the same float kernels, so only
    # their weights differ; the int8 firmware links other (DSP) kernels, which on a model this small
    # can outweigh the weights it saves, so only its model bytes are ordered.
    assert fp16["flash_bytes"] < f32["flash_bytes"]
    for row in rows.values():
        assert row["flash_bytes"] > row["model_bytes"]
    # ... while float16 weights are widened into RAM at load: more arena than float32 itself.
    assert fp16["arena_bytes"] > f32["arena_bytes"] > int8["arena_bytes"]
    assert "flash saved vs float32" in result.stdout and "float (Keras, host)" in result.stdout
    # Energy per inference, estimated from each variant's cycles and the qemu profile's [power] model
    power = find_profile("qemu").power
    for row in rows.values():
        assert row["energy_provenance"] == "estimated" and row["energy_source"].startswith("power model of qemu")
        assert row["energy_uj"] == pytest.approx(power.energy_uj(row["cycles_median"]), rel=1e-4)
        assert row["energy_min_uj"] <= row["energy_uj"] <= row["energy_max_uj"]
    assert int8["energy_uj"] < 0.5 * f32["energy_uj"]  # the efficiency argument for int8, in microjoules
    assert "energy per inference vs float32: int8" in result.stdout
    markdown = (out / "tradeoff.md").read_text()
    assert "| variant | model | flash (firmware) |" in markdown and "| float16 weights |" in markdown
    assert "| energy / inference |" in markdown and "uJ [estimated] |" in markdown


def test_report_shows_the_tradeoff_section(tradeoff_run):
    out, _ = tradeoff_run
    db = out / "results.sqlite"  # the trade-off JSON sits beside the database the report reads
    run = subprocess.run([sys.executable, "-m", "pytest", "test_suites/test_parity.py", "--board=qemu",
                          "--only-model=hello_world", "--vectors=1", f"--results-db={db}", "-q", "-p", "no:randomly"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600, env=ENV)
    assert run.returncode == 0, run.stdout[-2000:]
    html = out / "report.html"
    report = subprocess.run([sys.executable, "-m", "hil.cli", "report", "--db", str(db), "--out", str(html),
                             "--no-step-summary"], cwd=ROOT, capture_output=True, text=True, timeout=300, env=ENV)
    assert report.returncode == 0, report.stdout + report.stderr
    text = html.read_text()
    assert '<section id="tradeoff">' in text and "digits_cnn on qemu" in text and "float16 weights" in text


def _row(variant: str, model_bytes: int) -> VariantRow:
    return VariantRow(variant, f"m_{variant}.tflite", model_bytes, 1000 + model_bytes, 5000, 300, 10, 9, 0.4, 0.36,
                      "virtual", 0.9, 1.0, "ok", True, 0.0, None, None, 3, "key")


def test_save_replaces_the_same_model_and_board(tmp_path):
    path = tmp_path / "t.json"
    first = Tradeoff("m", "qemu", "cortex-m4", 25_000_000, "virtual", "classification", "accuracy", "top-1", 0.9, 3,
                     "x", [_row("int8", 10), _row("float32", 40)])
    save(path, first)
    save(path, Tradeoff(**{**first.__dict__, "board": "qemu-m7"}))
    save(path, Tradeoff(**{**first.__dict__, "keras_quality": 0.5}))
    loaded = load_all(path)
    assert [(t.model, t.board) for t in loaded] == [("m", "qemu"), ("m", "qemu-m7")]
    assert loaded[0].keras_quality == 0.5 and loaded[0].rows[1].model_bytes == 40
    assert "int8 model 30 B (75%)" in loaded[0].terminal()
    assert "energy: not estimated" in loaded[0].terminal()  # a trade-off saved before energy was recorded
    assert "<table class='tradeoff'>" in html_section(loaded) and html_section([]) == ""
