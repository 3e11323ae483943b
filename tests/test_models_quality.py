"""The quality metrics (hil.verdicts.quality) against scikit-learn's implementations and hand-worked
cases, and the quality table file (including the merge of xdist workers' parts)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from sklearn import metrics as skm

from hil.verdicts import quality


def test_accuracy_and_confusion_match_sklearn():
    rng = np.random.default_rng(0)
    labels, preds = rng.integers(0, 6, 500), rng.integers(0, 6, 500)
    assert quality.accuracy(preds, labels) == pytest.approx(skm.accuracy_score(labels, preds))
    expected = skm.confusion_matrix(labels, preds, labels=range(6))
    assert np.array_equal(quality.confusion_matrix(preds, labels, 6), expected)


def test_confusion_orientation_rows_are_true_classes():
    cm = quality.confusion_matrix(np.array([1, 1, 0]), np.array([0, 1, 0]), 2)
    assert cm.tolist() == [[1, 1], [0, 1]]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_roc_auc_matches_sklearn_with_ties(seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, 300)
    scores = np.round(rng.normal(labels * 0.8, 1.0), 1)  # rounding makes many ties
    assert quality.roc_auc(scores, labels) == pytest.approx(skm.roc_auc_score(labels, scores), abs=1e-12)


def test_roc_auc_extremes_and_errors():
    assert quality.roc_auc([0.1, 0.2, 0.9, 0.8], [0, 0, 1, 1]) == 1.0
    assert quality.roc_auc([0.9, 0.8, 0.1, 0.2], [0, 0, 1, 1]) == 0.0
    assert quality.roc_auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]) == 0.5
    with pytest.raises(ValueError):
        quality.roc_auc([0.1, 0.2], [1, 1])


def test_mae_and_reconstruction_error():
    assert quality.mae([1.0, 2.0, 4.0], [1.5, 2.0, 3.0]) == pytest.approx(0.5)
    assert quality.mae(np.ones((3, 1)), np.zeros(3)) == 1.0
    errors = quality.reconstruction_error(np.array([[0.0, 2.0], [1.0, 1.0]]), np.array([[0.0, 0.0], [1.0, 1.0]]))
    assert errors.tolist() == [2.0, 0.0]


def test_evaluate_per_task():
    probs = np.array([[[0.9, 0.1]], [[0.2, 0.8]], [[0.6, 0.4]]])  # [n, 1, classes] like TFLite outputs
    c = quality.evaluate("classification", probs, np.array([0, 1, 1]))
    assert c["accuracy"] == pytest.approx(2 / 3) and c["predictions"].tolist() == [0, 1, 0]
    r = quality.evaluate("regression", np.array([[[0.5]], [[1.0]]]), np.array([0.0, 1.0]))
    assert r["mae"] == pytest.approx(0.25)
    x = np.zeros((4, 1, 3))
    recon = np.array([[[0, 0, 0]], [[0, 0, 1]], [[1, 1, 1]], [[2, 2, 2]]], float)
    a = quality.evaluate("anomaly", recon, np.array([0, 0, 1, 1]), x)
    assert a["auc"] == 1.0
    with pytest.raises(ValueError):
        quality.evaluate("anomaly", recon, np.array([0, 0, 1, 1]))


def test_loss_vs_float_sign_follows_the_metric_direction():
    assert quality.loss_vs_float("classification", 0.98, 0.95) == pytest.approx(0.03)
    assert quality.loss_vs_float("anomaly", 0.90, 0.95) == pytest.approx(-0.05)
    assert quality.loss_vs_float("regression", 0.02, 0.03) == pytest.approx(0.01)  # MAE: higher is worse


def _config(tmp_path: Path, worker: str | None = None):
    config = SimpleNamespace(rootpath=tmp_path, getoption=lambda name, default=None: None)
    if worker:
        config.workerinput = {"workerid": worker}
    return config


def test_table_file_merges_worker_parts(tmp_path, monkeypatch):
    row_a = quality.QualityRow("a", "regression", "mae", 10, 0.1, 0.12, 0.12, 0.02, 0.05, 0, status="ok")
    row_b = quality.QualityRow("b", "anomaly", "auc", 20, 0.9, 0.8, 0.8, 0.1, 0.05, 0, status="over-budget")
    monkeypatch.setattr(quality, "_ROWS", [row_b])
    quality.pytest_sessionfinish(SimpleNamespace(config=_config(tmp_path, "gw1")))
    assert (tmp_path / "reports" / "quality.part-gw1.json").is_file()
    monkeypatch.setattr(quality, "_ROWS", [row_a])
    quality.pytest_sessionfinish(SimpleNamespace(config=_config(tmp_path)))
    data = json.loads((tmp_path / "reports" / "quality.json").read_text())["quality"]
    assert [r["model"] for r in data] == ["a", "b"] and data[1]["status"] == "over-budget"
    assert not list((tmp_path / "reports").glob("*.part-*.json"))
    lines = quality.table_lines(quality.rows())
    assert lines[0].split()[:3] == ["model", "task", "metric"]
    assert "0.8000" in lines[2] and "+0.1000" in lines[2]


# ---- the quality suite itself, on QEMU ----


def _run_quality_suite(tmp_path: Path, *extra: str):
    """test_suites/test_quality.py on QEMU for a copy of hello_world whose budget is too small
    for its measured quantization loss (MAE +0.0003 > 0.0001)."""
    root = Path(__file__).resolve().parents[1]
    models = tmp_path / "models"
    shutil.copytree(root / "models" / "hello_world", models / "hello_world")
    toml = models / "hello_world" / "model.toml"
    toml.write_text(re.sub(r"max_loss = [0-9.]+", "max_loss = 0.0001", toml.read_text()))
    out_json = tmp_path / "quality.json"
    cmd = [sys.executable, "-m", "pytest", "test_suites/test_quality.py", "--no-results", "-p", "no:cacheprovider",
           "-q", "-W", "always", f"--quality-json={out_json}", *extra]
    env = {**os.environ, "HIL_MODELS_DIR": str(models)}
    result = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=600, env=env)
    return result, result.stdout + result.stderr, out_json


def test_quality_suite_warns_over_budget_on_qemu(tmp_path):
    result, out, out_json = _run_quality_suite(tmp_path)
    assert result.returncode == 0, out[-3000:]
    assert "QualityBudgetWarning" in out and "exceeds the budget 0.0001" in out, out[-3000:]
    row = json.loads(out_json.read_text())["quality"][0]
    assert row["model"] == "hello_world" and row["status"] == "over-budget"
    assert row["int8_target"] == row["int8_host"] and row["target_vs_host_mismatches"] == 0
    assert row["vectors"] == 100


def test_quality_suite_strict_fails_over_budget_on_qemu(tmp_path):
    result, out, _ = _run_quality_suite(tmp_path, "--quality-strict")
    assert result.returncode == 1, out[-3000:]
    assert "[quality] hello_world: int8 mae" in out and "1 failed" in out, out[-3000:]
