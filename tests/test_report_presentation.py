"""The report as read: float parity shown as its tolerance verdict (not "0/3 exact"), chart
legends beside the data instead of on it (checked on the drawn figure's geometry)."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=900,
                          env=dict(ENV, TF_CPP_MIN_LOG_LEVEL="3"))


def test_float_rows_in_the_report_show_their_tolerance_verdict(tmp_path):
    db = tmp_path / "results.sqlite"
    proc = run("-m", "pytest", "test_suites/test_float.py", "--only-model=digits_cnn_float32", "--vectors=3",
               f"--results-db={db}", "-q", "-p", "no:randomly")
    assert proc.returncode == 0, proc.stdout[-3000:]
    html = tmp_path / "report.html"
    proc = run("-m", "hil.cli", "report", "--db", str(db), "--out", str(html), "--no-step-summary")
    assert proc.returncode == 0, proc.stderr
    text = re.sub(r"<[^>]+>", "", html.read_text())
    assert "3/3 within float tolerance" in text, text[:3000]
    assert "0/3 exact" not in text


def _figure_of(draw, *args):
    """The matplotlib Figure a chart function draws (captured where it turns it into SVG)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from hil.report import charts

    captured = []
    original = charts._to_svg
    charts._to_svg = lambda fig, salt, label: captured.append(fig) or ""
    try:
        draw(*args)
    finally:
        charts._to_svg = original
    fig = captured[0]
    FigureCanvasAgg(fig).draw()
    return fig


def _data_boxes(ax, renderer):
    """Display-space boxes of the data: each bar, and small boxes around points along each line."""
    from matplotlib.transforms import Bbox

    boxes = [p.get_window_extent(renderer) for p in ax.patches]
    for line in ax.lines:
        xy = line.get_xydata()
        for (x0, y0), (x1, y1) in zip(xy[:-1], xy[1:], strict=True):
            for t in [i / 20 for i in range(21)]:
                px, py = ax.transData.transform((x0 + t * (x1 - x0), y0 + t * (y1 - y0)))
                boxes.append(Bbox.from_extents(px - 2, py - 2, px + 2, py + 2))
    return boxes


def assert_legends_clear(fig) -> None:
    renderer = fig.canvas.get_renderer()
    legends = 0
    for legend in [ax.get_legend() for ax in fig.axes] + list(fig.legends):
        if legend is None:
            continue
        legends += 1
        box = legend.get_window_extent(renderer)
        for ax in fig.axes:
            hits = [b for b in _data_boxes(ax, renderer) if b.overlaps(box)]
            assert not hits, f"a legend covers data of '{ax.get_title()}'"
    assert legends, "no legend drawn"


def test_chart_legends_do_not_cover_the_data():
    from hil.report import charts

    ops = [{"index": i, "op": "FULLY_CONNECTED", "cycles": c, "previous_cycles": p}
           for i, (c, p) in enumerate([(13_300, 1_280), (13_600, 1_640), (12_400, 400)])]
    model = {"model": "hello_world", "board": "qemu", "per_op": {"ops": ops, "provenance": "virtual", "vector": 3}}
    assert_legends_clear(_figure_of(charts.per_op_chart, model, "a"))
    points = [{"run_id": i, "provenance": "virtual", "cycles": 3480 + 100 * i, "latency_us": 139.2 + i,
               "flash_bytes": 27_648, "ram_bytes": 2_107_816, "arena_bytes": 1_704, "pass_rate": 1.0}
              for i in range(1, 4)]
    assert_legends_clear(_figure_of(charts.trend_chart, {"points": points, "model": "m", "board": "qemu"}, "b"))
