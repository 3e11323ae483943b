"""The measured path against STAND-INS for the power monitors (tests/power_standins.py: a simulated
PPK2 on a pseudo-terminal driven through ppk2-api's real code, and a simulated
pyjoulescope_driver.Driver). No real PPK2 or Joulescope has ever run these tests: the stand-ins
follow the documented protocol and message layout. Each stand-in plays inference pulses of known
energy; the windows are cut by the sync GPIO's edges (or the target's tick durations) and every
energy must match the simulated one within 1%."""

from __future__ import annotations

import json
import time

import pytest

from hil.errors import HilError
from hil.power.joulescope import JoulescopeMonitor
from hil.power.monitor import GPIO, TICKS, measure, measure_idle
from hil.power.ppk2 import SAMPLE_RATE_HZ, Ppk2Monitor
from tests.cli_helpers import HELLO, hil
from tests.power_standins import JoulescopeDriverStandin, Ppk2Standin, pulse_energies_uj

# Five inferences of different lengths and currents, with idle gaps (sync high during each).
SCRIPT = [(0.003, 300e-6, 0), (0.0086, 28.6e-3, 1), (0.002, 300e-6, 0), (0.0043, 12e-3, 1), (0.0015, 300e-6, 0),
          (0.012, 31e-3, 1), (0.001, 300e-6, 0), (0.0086, 28.0e-3, 1), (0.002, 300e-6, 0), (0.0051, 5.2e-3, 1)]
PULSES = [(s, a) for s, a, sync in SCRIPT if sync]


@pytest.fixture
def ppk2_standin():
    standin = Ppk2Standin()
    yield standin
    standin.close()


def check(stats, expected_uj):
    assert len(stats.per_inference_uj) == len(expected_uj)
    for got, want in zip(stats.per_inference_uj, expected_uj, strict=True):
        assert got == pytest.approx(want, rel=0.01)
    assert stats.provenance == "measured"


def test_ppk2_standin_ampere_mode_windows_cut_by_sync_edges(ppk2_standin):
    monitor = Ppk2Monitor(ppk2_standin.port, voltage_v=1.8, mode="ampere")
    try:
        _, stats = measure(monitor, lambda: ppk2_standin.play(SCRIPT), lambda _: [s for s, _ in PULSES],
                           repeat=len(PULSES), sync=GPIO)
    finally:
        monitor.close()
    check(stats, pulse_energies_uj(SCRIPT, 1.8, SAMPLE_RATE_HZ))
    assert "sync GPIO edges" in stats.source and "ampere-meter" in stats.source
    assert stats.median_uj == pytest.approx(28.0e-3 * 1.8 * 0.0086 * 1e6, rel=0.01)


def test_ppk2_standin_source_mode_sets_the_supply(ppk2_standin):
    monitor = Ppk2Monitor(ppk2_standin.port, voltage_v=3.0, mode="source")
    try:
        _, stats = measure(monitor, lambda: ppk2_standin.play(SCRIPT), lambda _: [s for s, _ in PULSES],
                           repeat=len(PULSES))
    finally:
        monitor.close()
    assert ppk2_standin.source_mv == 3000
    check(stats, pulse_energies_uj(SCRIPT, 3.0, SAMPLE_RATE_HZ))


def test_ppk2_standin_windows_from_tick_durations_without_sync(ppk2_standin):
    # Back to back, in one current range: ppk2-api smooths the 3 samples after a range switch, which a
    # window starting on one (5.2 mA right after 28 mA) would carry (+1% here; docs/energy.md).
    pulses = [(s, max(a, 8e-3)) for s, a in PULSES]
    back_to_back = [(0.004, 300e-6, 0)] + [(s, a, 0) for s, a in pulses] + [(0.004, 300e-6, 0)]
    monitor = Ppk2Monitor(ppk2_standin.port, voltage_v=1.8)
    try:
        _, stats = measure(monitor, lambda: ppk2_standin.play(back_to_back), lambda _: [s for s, _ in pulses],
                           repeat=len(pulses), sync=TICKS)
    finally:
        monitor.close()
    check(stats, [a * 1.8 * s * 1e6 for s, a in pulses])
    assert "tick durations" in stats.source


def test_ppk2_standin_a_miswired_sync_fails_in_one_line(ppk2_standin):
    monitor = Ppk2Monitor(ppk2_standin.port, voltage_v=1.8, sync_channel=3)  # the pulses are on D0
    try:
        with pytest.raises(HilError, match="showed 0 complete pulses for 5 inferences"):
            measure(monitor, lambda: ppk2_standin.play(SCRIPT), lambda _: [], repeat=5)
    finally:
        monitor.close()


def test_ppk2_standin_idle_power(ppk2_standin):
    monitor = Ppk2Monitor(ppk2_standin.port, voltage_v=1.8)
    try:
        watts = measure_idle(monitor, 0.2, time.sleep)
    finally:
        monitor.close()
    assert watts == pytest.approx(300e-6 * 1.8, rel=0.01)


def test_joulescope_standin_windows_cut_by_gpi_edges():
    standin = JoulescopeDriverStandin(volts=3.3)
    monitor = JoulescopeMonitor(driver_factory=lambda: standin)
    try:
        _, stats = measure(monitor, lambda: standin.play(SCRIPT), lambda _: [s for s, _ in PULSES],
                           repeat=len(PULSES))
    finally:
        monitor.close()
    assert standin.published[f"{standin.device}/s/stats/scnt"] == 1000
    check(stats, pulse_energies_uj(SCRIPT, 3.3, standin.RATE))
    assert "GPI0" in stats.source


def test_joulescope_unknown_device_is_refused_in_one_line():
    standin = JoulescopeDriverStandin()
    with pytest.raises(HilError, match="Joulescopes found: u/js220/000415"):
        JoulescopeMonitor("u/js220/999", driver_factory=lambda: standin)


def test_hil_run_measures_energy_through_the_ppk2_standin_on_qemu():
    """`hil run --power-monitor ppk2` end to end: a real QEMU target, ppk2-api's real code on a pty,
    windows cut by the sync edges. The STAND-IN does not see the emulated target: it plays its
    scripted pulses when the capture starts, so the energies are the script's, not QEMU's."""
    standin = Ppk2Standin(autoplay=SCRIPT)
    try:
        result = hil("run", HELLO, "--board", "qemu", "--json", "--vectors", "2", "--repeat", "5", "--no-results",
                     "--power-monitor", "ppk2", "--power-port", standin.port, "--power-voltage", "1.8")
    finally:
        standin.close()
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads(result.stdout)
    expected = sorted(pulse_energies_uj(SCRIPT, 1.8, SAMPLE_RATE_HZ))
    assert out["energy_provenance"] == "measured" and "PPK2 on" in out["energy_source"]
    assert out["energy_uj"] == pytest.approx(expected[2], rel=0.01)
    assert (out["energy_min_uj"], out["energy_max_uj"]) == pytest.approx((expected[0], expected[-1]), rel=0.01)
    assert out["idle_power_w"] == pytest.approx(300e-6 * 1.8, rel=0.01)


def test_hil_energy_duty_cycle_from_the_ppk2_standin_on_qemu():
    """`hil energy --power-monitor ppk2`: energy per inference, idle power and the duty cycle all
    `measured`, from the STAND-IN's scripted pulses (not QEMU's activity), within 1%."""
    standin = Ppk2Standin(autoplay=SCRIPT)
    try:
        result = hil("energy", HELLO, "--board", "qemu", "--json", "--repeat", "5", "--rate", "10/s",
                     "--battery", "220mAh@3V", "--power-monitor", "ppk2", "--power-port", standin.port,
                     "--power-voltage", "1.8")
    finally:
        standin.close()
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads(result.stdout)
    assert out["energy_provenance"] == out["duty_provenance"] == "measured"
    energy_uj = sorted(pulse_energies_uj(SCRIPT, 1.8, SAMPLE_RATE_HZ))[2]
    seconds = sorted(s for s, _ in PULSES)[2]
    idle_w = 300e-6 * 1.8
    assert out["energy_uj"] == pytest.approx(energy_uj, rel=0.01)
    assert out["seconds_per_inference"] == pytest.approx(seconds, rel=0.01)
    assert out["average_power_w"] == pytest.approx(10 * energy_uj * 1e-6 + idle_w * (1 - 10 * seconds), rel=0.01)
    assert out["battery_hours"] == pytest.approx(0.220 * 3 * 3600 / out["average_power_w"] / 3600, rel=1e-6)


def scaled(script: list[tuple[float, float, int]], factor: float) -> list[tuple[float, float, int]]:
    """The script with every inference's current scaled (idle gaps unchanged)."""
    return [(s, a * factor if sync else a, sync) for s, a, sync in script]


def test_hil_tradeoff_measures_each_variant_through_the_ppk2_standin(tmp_path):
    """`hil tradeoff --power-monitor ppk2` on QEMU: each variant's energy is measured (one capture
    of its inferences, one of idle); the STAND-IN plays a differently scaled script per variant, so
    each row must carry its own script's median, and the comparison with float32 is made."""
    factors = {"int8": 0.3, "float16 weights": 1.0, "float32": 0.9}
    scripts = [scaled(SCRIPT, f) for f in factors.values()]
    standin = Ppk2Standin(autoplays=[part for script in scripts for part in (script, [])])
    try:
        result = hil("tradeoff", "digits_cnn", "--board", "qemu", "--vectors", "2", "--json", str(tmp_path / "t.json"),
                     "--power-monitor", "ppk2", "--power-port", standin.port, "--power-voltage", "1.8")
    finally:
        standin.close()
    assert result.returncode == 0, result.stderr[-2000:]
    (entry,) = json.loads((tmp_path / "t.json").read_text())["tradeoffs"]
    rows = {r["variant"]: r for r in entry["rows"]}
    for (variant, _), script in zip(factors.items(), scripts, strict=True):
        row = rows[variant]
        assert row["energy_provenance"] == "measured" and "PPK2 on" in row["energy_source"]
        assert row["energy_uj"] == pytest.approx(sorted(pulse_energies_uj(script, 1.8, SAMPLE_RATE_HZ))[2], rel=0.01)
    assert "energy per inference vs float32: int8" in result.stdout and "[measured]" in result.stdout
