"""Model quality: the metric functions (accuracy, confusion matrix, MAE, ROC AUC), the
evaluation of one model's outputs for its task, and the quality table of a pytest session
(printed in the terminal summary, written to reports/quality.json).

Columns of the table: `float` (the Keras model, from the float outputs committed with the
vectors), `int8_host` (the .tflite on the TFLM interpreter) and `int8_target` (the board).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

# Per task: the headline metric and whether higher is better.
PRIMARY = {"classification": ("accuracy", True), "regression": ("mae", False), "anomaly": ("auc", True)}


def accuracy(predictions: np.ndarray, labels: np.ndarray) -> float:
    predictions, labels = np.asarray(predictions).ravel(), np.asarray(labels).ravel()
    if predictions.size != labels.size or not labels.size:
        raise ValueError(f"{predictions.size} predictions for {labels.size} labels")
    return float(np.mean(predictions == labels))


def confusion_matrix(predictions: np.ndarray, labels: np.ndarray, classes: int) -> np.ndarray:
    """counts[true class, predicted class]."""
    counts = np.zeros((classes, classes), np.int64)
    np.add.at(counts, (np.asarray(labels, np.int64).ravel(), np.asarray(predictions, np.int64).ravel()), 1)
    return counts


def mae(predictions: np.ndarray, targets: np.ndarray) -> float:
    p, t = np.asarray(predictions, np.float64).ravel(), np.asarray(targets, np.float64).ravel()
    if p.size != t.size or not t.size:
        raise ValueError(f"{p.size} predictions for {t.size} targets")
    return float(np.mean(np.abs(p - t)))


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve for `labels` 1 = positive (anomaly), higher score = more
    anomalous: the Mann-Whitney U statistic, ties counted one half (average ranks)."""
    scores, labels = np.asarray(scores, np.float64).ravel(), np.asarray(labels).ravel().astype(bool)
    n_pos, n_neg = int(labels.sum()), int((~labels).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError("ROC AUC needs both positive and negative samples")
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(scores.size, np.float64)
    sorted_scores = scores[order]
    start = 0
    while start < scores.size:  # average rank over each run of equal scores
        end = start
        while end + 1 < scores.size and sorted_scores[end + 1] == sorted_scores[start]:
            end += 1
        ranks[order[start:end + 1]] = (start + end) / 2 + 1
        start = end + 1
    u = ranks[labels].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


def reconstruction_error(reconstructions: np.ndarray, inputs: np.ndarray) -> np.ndarray:
    """Mean squared error per sample: the autoencoder's anomaly score."""
    r = np.asarray(reconstructions, np.float64).reshape(len(reconstructions), -1)
    x = np.asarray(inputs, np.float64).reshape(len(inputs), -1)
    return np.mean((r - x) ** 2, axis=1)


def evaluate(task: str, outputs: np.ndarray, labels: np.ndarray, inputs: np.ndarray | None = None,
             classes: int | None = None) -> dict:
    """The task's metrics from float outputs (dequantized for int8 models), one row per sample.
    Anomaly detection scores reconstructions against `inputs`."""
    outputs = np.asarray(outputs, np.float64).reshape(len(outputs), -1)
    if task == "classification":
        predictions = np.argmax(outputs, axis=1)
        classes = classes or outputs.shape[1]
        return {"accuracy": accuracy(predictions, labels), "predictions": predictions,
                "confusion": confusion_matrix(predictions, labels, classes)}
    if task == "regression":
        return {"mae": mae(outputs, labels), "predictions": outputs}
    if task == "anomaly":
        if inputs is None:
            raise ValueError("anomaly evaluation needs the inputs the reconstructions are scored against")
        scores = reconstruction_error(outputs, inputs)
        return {"auc": roc_auc(scores, labels), "scores": scores}
    raise ValueError(f"unknown task {task!r}")


def loss_vs_float(task: str, float_value: float, int8_value: float) -> float:
    """How much worse the int8 figure is than the float one (negative: better)."""
    _, higher_better = PRIMARY[task]
    return float_value - int8_value if higher_better else int8_value - float_value


# ---- the session's quality table ----


@dataclass
class QualityRow:
    model: str
    task: str
    metric: str
    vectors: int
    float: float | None
    int8_host: float | None
    int8_target: float | None = None
    loss: float | None = None             # int8 host vs float, in metric units (positive = worse)
    budget: float | None = None           # the loss the card allows
    target_vs_host_mismatches: int | None = None   # vectors whose target output differs from host
    top1_agreement_float_host: float | None = None
    top1_agreement_target_host: float | None = None
    confusion_target: list | None = None
    status: str = ""                      # ok / over-budget / target-differs / target-error: ...
    extra: dict = field(default_factory=dict)


_ROWS: list[QualityRow] = []


def record(row: QualityRow) -> None:
    _ROWS.append(row)


def rows() -> list[QualityRow]:
    return list(_ROWS)


def _fmt(value: float | None, metric: str) -> str:
    if value is None:
        return "-"
    return f"{value:.4f}" if metric in ("mae", "auc") else f"{value:.2%}"


def table_lines(table: list[QualityRow]) -> list[str]:
    header = ("model", "task", "metric", "n", "float", "int8 host", "int8 target", "loss", "budget",
              "target!=host", "status")
    lines = [header]
    for r in table:
        lines.append((r.model, r.task, r.metric, str(r.vectors), _fmt(r.float, r.metric),
                      _fmt(r.int8_host, r.metric), _fmt(r.int8_target, r.metric),
                      "-" if r.loss is None else f"{r.loss:+.4f}", "-" if r.budget is None else f"{r.budget:g}",
                      "-" if r.target_vs_host_mismatches is None else str(r.target_vs_host_mismatches),
                      r.status))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines]


def write_json(path: Path, table: list[QualityRow]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"quality": [asdict(r) for r in table]}, indent=2) + "\n")


# ---- pytest options and hooks (a plugin registered by hil.pytest.plugin) ----


class QualityBudgetWarning(UserWarning):
    """The int8 model loses more quality against float than its card's budget allows."""


def pytest_addoption(parser) -> None:
    group = parser.getgroup("hil")  # created by hil.pytest.plugin, which registers this module
    group.addoption("--quality-strict", action="store_true", default=False,
                    help="fail, not warn, when an int8 model loses more than its [quality] max_loss vs float")
    group.addoption("--quality-json", default=None, metavar="PATH",
                    help="where the quality table is written (default reports/quality.json under the rootdir)")


def _json_path(config) -> Path:
    option = config.getoption("quality_json", None)
    return Path(option) if option else Path(config.rootpath) / "reports" / "quality.json"


def _parts(config) -> list[Path]:
    path = _json_path(config)
    return sorted(path.parent.glob(f"{path.stem}.part-*.json"))


def pytest_configure(config) -> None:
    if not hasattr(config, "workerinput"):  # the controlling process: drop a crashed run's parts
        for part in _parts(config):
            part.unlink(missing_ok=True)


def pytest_sessionfinish(session) -> None:
    """xdist workers write their rows to part files; the controller merges them with its own."""
    config, path = session.config, _json_path(session.config)
    worker = getattr(config, "workerinput", None)
    if worker is not None:
        if _ROWS:
            write_json(path.with_name(f"{path.stem}.part-{worker['workerid']}.json"), _ROWS)
        return
    for part in _parts(config):
        _ROWS.extend(QualityRow(**row) for row in json.loads(part.read_text())["quality"])
        part.unlink()
    if _ROWS:
        _ROWS.sort(key=lambda r: r.model)
        try:
            write_json(path, _ROWS)
        except OSError as exc:  # the tests passed or failed on their own; the table is printed below
            _UNWRITTEN[path] = exc.strerror or str(exc)


_UNWRITTEN: dict[Path, str] = {}  # the table file that could not be written, and why


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not _ROWS or hasattr(config, "workerinput"):
        return
    terminalreporter.write_sep("-", "hil: model quality, float (Keras) vs int8 host (TFLM) vs int8 target")
    for line in table_lines(_ROWS):
        terminalreporter.write_line(line)
    path = _json_path(config)
    if path in _UNWRITTEN:
        terminalreporter.write_line(f"[hil] quality table NOT written to {path} ({_UNWRITTEN[path]}): pass "
                                    "--quality-json PATH in a writable folder")
    else:
        terminalreporter.write_line(f"(written to {path})")
