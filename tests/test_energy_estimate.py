"""Estimated energy: the [power] table of board profiles (every number with its source), the
estimate from counted cycles, duty cycle and battery life, and `hil run --json` on QEMU."""

from __future__ import annotations

import json

import pytest

from hil.boards.power import load_power
from hil.boards.profile import all_profiles, find_profile
from hil.errors import ConfigError
from hil.verdicts.energy import (
    ESTIMATED,
    EnergyStats,
    budget_failure,
    duty_cycle,
    estimate,
    parse_battery,
    parse_rate,
)
from hil.verdicts.timing import Clock
from tests.cli_helpers import HELLO, hil, one_line

TABLE = {"supply_v": 1.8, "active_ua_per_mhz": 200.0, "idle_ua": 50.0,
         "sources": {"supply_v": "a", "active_ua_per_mhz": "b", "idle_ua": "c"}}


def test_every_shipped_power_model_names_a_source_for_each_number():
    models = {name: p.power for name, p in all_profiles().items() if p.power is not None}
    assert {"qemu", "qemu-l4r5"} <= set(models)
    for model in models.values():
        assert set(model.sources) >= {"supply_v", "active_ua_per_mhz"}
        assert all(text.strip() for text in model.sources.values())


@pytest.mark.parametrize(("change", "complaint"), [
    ({"sources": {"supply_v": "a", "active_ua_per_mhz": "b"}}, "no source for idle_ua"),
    ({"idle_ua_per_mhz": 3.0}, "exactly one of idle_ua, idle_ua_per_mhz"),
    ({"supply_v": -1}, "supply_v = -1 is not a positive number"),
    ({"leakage": 1}, "unknown keys leakage"),
])
def test_a_bad_power_table_is_refused_in_one_line(tmp_path, change, complaint):
    with pytest.raises(ConfigError, match=complaint):
        load_power({**TABLE, **change}, tmp_path / "b.toml", "b")


def test_estimate_is_supply_times_current_per_mhz_times_cycles():
    table = {**TABLE, "cycles_per_instruction": 2.0, "sources": {**TABLE["sources"], "cycles_per_instruction": "d"}}
    power = load_power(table, None, "b")
    virtual = Clock("virtual", 100_000_000, 25_000_000, instructions_per_tick=40)
    stats = estimate(virtual, [1000, 1000, 1010], power)
    # 1000 ticks x 40 instructions x 2 cycles each = 80,000 cycles; 1.8 V x 200 uA/MHz x 80,000 x 1e-6 = 28.8 uJ
    assert stats.per_inference_uj[0] == pytest.approx(28.8)
    assert (stats.median_uj, stats.min_uj, stats.max_uj) == pytest.approx((28.8, 28.8, 29.088))
    assert stats.provenance == ESTIMATED and stats.seconds_per_inference == pytest.approx(80_000 / 100e6)
    silicon = Clock("dwt", 100_000_000, 100_000_000)  # real cycles: no instruction scaling
    assert estimate(silicon, [80_000], power).median_uj == pytest.approx(28.8)


def test_duty_cycle_and_battery_life():
    stats = EnergyStats([500.0], ESTIMATED, "model", seconds_per_inference=0.01, idle_w=1e-3)
    duty = duty_cycle(stats, parse_rate("1/s"), parse_battery("220mAh@3V"))
    # 500 uJ once a second + 1 mW for the other 0.99 s = 1.49 mW; 0.22 Ah x 3 V = 2376 J
    assert duty.average_w == pytest.approx(1.49e-3)
    assert duty.battery_hours == pytest.approx(2376 / 1.49e-3 / 3600)
    assert parse_rate("10/min") == pytest.approx(1 / 6) and parse_battery("1.2Ah@3.7V").mah == 1200
    with pytest.raises(ConfigError, match="at most 100 inferences per second"):
        duty_cycle(stats, 200.0)
    with pytest.raises(ConfigError, match="220 mAh"):
        parse_battery("220 mAh")


def test_budget_failure_names_the_excess_and_the_provenance():
    stats = EnergyStats([120.0, 130.0, 125.0], ESTIMATED, "power model of b", 0.001)
    assert budget_failure(stats, 125.0) is None
    message = budget_failure(stats, 100.0)
    assert "budget 100.0 uJ per inference exceeded by 25.0 uJ (+25.0%)" in message
    assert "[estimated]" in message and "power model of b" in message


def test_hil_run_json_on_qemu_has_the_estimated_energy_and_its_source():
    result = hil("run", HELLO, "--json", "--vectors", "2", "--no-results", "--board", "qemu-l4r5")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    power = find_profile("qemu-l4r5").power
    assert out["energy_provenance"] == "estimated"
    assert "MLPerf Tiny v1.0" in out["energy_source"]
    # recomputed from the run's own cycles: 1.8 V x 241 uA/MHz x cycles x 2.03 x 1e-6
    assert out["energy_uj"] == pytest.approx(1.8 * 241.0 * out["cycles_min"] * 2.03 * 1e-6, rel=1e-3)
    assert power.cycles_per_instruction == 2.03


def test_a_board_without_a_power_model_says_so():
    result = hil("run", HELLO, "--json", "--vectors", "1", "--no-results", "--board", "qemu-m7")
    out = json.loads(result.stdout)
    assert out["energy_uj"] is None and "has no [power] model" in out["energy_note"]


def test_a_profile_with_an_unsourced_number_is_refused(tmp_path):
    text = find_profile("qemu").source.read_text().replace("[power.sources]\n", "[power.sources]\n# ")
    (tmp_path / "qemu.toml").write_text(text)
    line = one_line(hil("boards", HIL_BOARDS_PATH=str(tmp_path)))
    assert "names no source for supply_v" in line


def test_hil_energy_prints_average_power_and_battery_life_with_provenance():
    result = hil("energy", "hello_world", "--board", "qemu-l4r5", "--rate", "10/s", "--battery", "220mAh@3V",
                 "--vectors", "2", "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["energy_provenance"] == out["duty_provenance"] == "estimated"
    idle = 1.8 * 212.3e-6 * 120  # the profile's idle current per MHz at 120 MHz
    busy = 10 * out["seconds_per_inference"]
    assert out["average_power_w"] == pytest.approx(10 * out["energy_uj"] * 1e-6 + idle * (1 - busy), rel=1e-6)
    assert out["battery_hours"] == pytest.approx(0.220 * 3 * 3600 / out["average_power_w"] / 3600, rel=1e-6)
    table = hil("energy", "hello_world", "--board", "qemu-l4r5", "--battery", "220mAh@3V", "--vectors", "1").stdout
    assert "hours on 220 mAh at 3 V (ideal converter) [estimated]" in table
