"""Energy per inference in `hil report`: trends and regressions with provenance, through the real
results plugin and report. A stand-in suite (no target) records energy figures shaped like the
energy suite's records; an estimate and a measurement are never compared or drawn as one line.

The figures of the real energy suite on QEMU are in tests/test_energy_suite.py."""

import math
import re
import textwrap

import pytest

from tests.test_report_regression import record_run, report

ENERGY_SUITE = textwrap.dedent('''
    """Stand-in suite: energy figures from environment variables, as test_energy records them."""
    import os

    def test_energy(hil_record):
        energy = float(os.environ.get("SYNTH_ENERGY", "100"))
        cycles = round(50_000 * float(os.environ.get("SYNTH_SLOW", "1")))
        hil_record.update(board="qemu-l4r5", engine="builtin", model="synth_model", model_sha256="ab" * 32,
                          cycles=cycles, latency_us=cycles / 120.0, provenance="virtual", cpu_hz=120_000_000,
                          energy_uj=energy, energy_min_uj=energy, energy_max_uj=energy,
                          energy_provenance=os.environ.get("SYNTH_PROVENANCE", "estimated"),
                          energy_source=os.environ.get("SYNTH_SOURCE", "power model of qemu-l4r5: A"),
                          energy_inferences=10)
''')


def runs(tmp_path, *settings: dict) -> tuple:
    db = tmp_path / "energy.sqlite"
    return db, [record_run(tmp_path, db, ENERGY_SUITE, **{k: str(v) for k, v in s.items()}) for s in settings]


def kinds(data: dict) -> list[str]:
    return [r["kind"] for r in data["regressions"]]


def test_an_estimated_energy_regression_is_listed_with_its_provenance(tmp_path):
    db, ids = runs(tmp_path, {}, {"SYNTH_SLOW": 1.3, "SYNTH_ENERGY": 130})
    rc, data, html, md = report(db, tmp_path, "--fail-on-regression")
    assert rc == 1 and kinds(data) == ["cycles", "energy"]
    energy = data["regressions"][1]
    assert (energy["previous"], energy["current"], energy["provenance"]) == (100, 130, "estimated")
    assert "energy per inference 100.0 uJ -> 130.0 uJ [estimated] (+30.0%" in energy["message"]
    assert "power model of qemu-l4r5: A" in energy["message"]
    (model,) = data["models"]
    assert model["energy_change"] == pytest.approx(0.3) and model["energy_provenance"] == "estimated"
    assert "| energy |" in md and "130.0 uJ estimated (+30.0%)" in md
    cell = re.sub(r"<[^>]+>", "", html.split('id="models"')[1].split("</table>")[0])
    assert "130.0 uJ estimated" in cell and "vs prev +30.0%" in cell


def test_a_measured_energy_regression_without_a_cycles_change(tmp_path):
    ppk2 = {"SYNTH_PROVENANCE": "measured", "SYNTH_SOURCE": "PPK2 on /dev/ttyACM0, ampere mode at 1.8 V"}
    db, _ = runs(tmp_path, {**ppk2, "SYNTH_ENERGY": 400}, {**ppk2, "SYNTH_ENERGY": 460})
    _, data, _, _ = report(db, tmp_path)
    assert kinds(data) == ["energy"]
    assert "400.0 uJ -> 460.0 uJ [measured] (+15.0%" in data["regressions"][0]["message"]
    _, data, _, _ = report(db, tmp_path, "--tolerance", "20%")
    assert data["regressions"] == []


@pytest.mark.parametrize("second", [
    {"SYNTH_PROVENANCE": "measured", "SYNTH_SOURCE": "PPK2 on /dev/ttyACM0, ampere mode at 1.8 V"},
    {"SYNTH_SOURCE": "power model of qemu-l4r5: B"},
], ids=["estimate-then-measurement", "another-power-model"])
def test_energy_from_another_provenance_or_model_is_not_compared(tmp_path, second):
    db, _ = runs(tmp_path, {}, {**second, "SYNTH_ENERGY": 300})
    _, data, html, md = report(db, tmp_path, "--fail-on-regression")
    assert data["regressions"] == [] and data["models"][0]["energy_change"] is None
    cell = re.sub(r"<[^>]+>", "", html.split('id="models"')[1].split("</table>")[0])
    assert "not compared with the previous 100.0 uJ estimated" in cell
    assert "300.0 uJ" in md and "(+" not in md.split("| energy / inference |")[1]


def test_the_trend_keeps_estimates_and_measurements_apart(tmp_path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from hil.report import charts

    measured = {"SYNTH_PROVENANCE": "measured", "SYNTH_SOURCE": "Joulescope JS220", "SYNTH_ENERGY": 90}
    db, ids = runs(tmp_path, {}, measured, {"SYNTH_ENERGY": 101})
    _, data, _, _ = report(db, tmp_path)
    (series,) = data["trends"]
    assert [(p["energy_uj"], p["energy_provenance"]) for p in series["points"]] == [
        (100, "estimated"), (90, "measured"), (101, "estimated")]
    figures = []
    original = charts._to_svg
    charts._to_svg = lambda fig, salt, label: figures.append(fig) or ""
    try:
        charts.trend_chart(series, "t")
    finally:
        charts._to_svg = original
    FigureCanvasAgg(figures[0]).draw()
    (ax,) = [a for a in figures[0].axes if a.get_title().startswith("energy per inference")]
    lines = {line.get_label(): [y for y in line.get_ydata() if not math.isnan(y)] for line in ax.lines}
    assert lines == {"estimated": [100, 101], "measured": [90]}
    assert "estimated / measured" in ax.get_title()
    estimated = next(line for line in ax.lines if line.get_label() == "estimated")
    assert math.isnan(estimated.get_ydata()[1])  # a gap where the measurement is: the line is broken there
