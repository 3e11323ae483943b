"""Estimated cycles (hil/estimate): parts, the plugin's log, the mix of a real firmware on QEMU, its
repeatability, `hil run --json` and a deadline met by virtual time but missed by the estimate."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from hil import paths
from hil.boards import find_profile
from hil.errors import ConfigError
from hil.estimate.mix import CLASSES, INDEX, MixLog
from hil.estimate.parts import find_part
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness
from hil.model import catalog

HELLO = paths.models_dir() / "hello_world" / "hello_world.tflite"
INSTRUCTION_CLASSES = ("alu", "simd", "mul", "mac", "dspmul", "mull", "div", "ld", "ldd", "ldm", "st", "std", "stm",
                       "fp", "fp_mac", "fp_div", "fp_ldst", "mve")


def test_a_part_takes_its_flash_wait_states_from_the_clock():
    assert find_part("stm32l4r5@120MHz").wait_states == 5
    assert find_part("stm32l4r5@80MHz").wait_states == 3
    assert find_part("STM32L4R5").mhz == 120  # the part's default clock
    assert find_part("cortex-m4@25MHz").wait_states == 0 and not find_part("cortex-m4").has_flash


@pytest.mark.parametrize("spec, says", [("stm32l9@80MHz", "stm32l4r5"), ("stm32l4r5@200MHz", "at most 120 MHz"),
                                        ("stm32l4r5@fast", "NAME@<clock>MHz")])
def test_a_part_that_does_not_exist_is_one_line(spec, says):
    with pytest.raises(ConfigError) as err:
        find_part(spec)
    assert says in str(err.value) and "\n" not in str(err.value)


def test_the_log_reader_leaves_a_record_being_written_for_the_next_read(tmp_path):
    log = tmp_path / "mix.log"
    row = " ".join(["1"] * len(CLASSES))
    log.write_text(f"window 2\n{row}\n{row}\nwindow 1\n{row[:3]}")
    reader = MixLog(log)
    assert len(reader.latest(1)) == 1 and reader.latest(2) == []
    with open(log, "a") as f:
        f.write(row[3:] + "\n")
    windows = reader.latest(2)
    assert [len(w.segments) for w in windows] == [2, 1]


def _hello_session():
    harness = Harness(HarnessConfig(find_profile("qemu-l4r5"), vector_limit=2))
    model = catalog.adhoc(HELLO, vectors=2)
    return harness, model


def test_the_mix_accounts_for_every_instruction_the_virtual_count_has():
    """Every executed instruction falls in exactly one class, and the measured window holds the
    instructions the counter counted (QEMU -icount: 40 per tick on mps2-an386), within one tick
    and the counter reads."""
    harness, model = _hello_session()
    try:
        result = harness.run_vector(model, 0, repeat=3)
        target = harness.target(model)
        assert len(target.windows) == 3 and len(result.estimated) == 3
        for window, cycles in zip(target.windows, result.cycles, strict=True):
            mix = window.measured
            assert sum(mix[INDEX[c]] for c in INSTRUCTION_CLASSES) == mix[INDEX["insns"]]
            assert abs(mix[INDEX["insns"]] - cycles) <= 40 + 60, (mix[INDEX["insns"]], cycles)
        ops = target.windows[-1].operators(len(target.info.ops))
        assert ops is not None and len(ops) == 3  # per-operator segments of the built-in engine
        assert all(op[INDEX["dspmul"]] + op[INDEX["mac"]] + op[INDEX["mull"]] > 0 for op in ops)  # FC multiplies
        last = target.windows[-1].measured
        assert last[INDEX["flash_ld"]] > 0 and last[INDEX["sram_ld"]] > 0  # weights in flash, arena in SRAM
    finally:
        harness.close()


def _estimates_of_a_fresh_session():
    harness, model = _hello_session()
    try:
        results = [harness.run_vector(model, i, repeat=2) for i in range(2)]
        windows = [w.segments.tolist() for w in harness.target(model).windows]
        return [r.estimated for r in results], windows
    finally:
        harness.close()


def test_estimates_are_identical_run_to_run():
    first, second = _estimates_of_a_fresh_session(), _estimates_of_a_fresh_session()
    assert first == second
    assert all(c > 0 for run in first[0] for c in run)


def _hil(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hil.cli", *args], capture_output=True, text=True, timeout=600)


def test_hil_run_json_gives_the_estimate_beside_the_virtual_figure():
    result = _hil("run", str(HELLO), "--json", "--vectors", "2", "--no-results",
                  "--estimate-for", "stm32l4r5@120MHz")
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads(result.stdout)
    assert out["provenance"] == "virtual" and out["cycles"] > 0  # never replaced
    est = out["estimated"]
    assert est["provenance"] == "estimated" and est["part"] == "stm32l4r5@120MHz" and est["cpu_hz"] == 120_000_000
    assert est["cycles"] > out["cycles"]  # wait states, loads and refills cost more than one cycle each
    assert est["latency_us"] == pytest.approx(est["cycles"] / 120)
    assert est["band_note"]
    terms = est["terms_last_inference"]
    assert set(terms) == {"core", "branches", "flash", "calibrated"} and terms["flash"] > 0
    assert est["cycles_min"] - 4 <= sum(terms.values()) <= est["cycles"] + 4  # each term rounded
    per_op = out["per_op"]
    assert all(op["estimated_cycles"] > 0 and op["provenance"] == "virtual" for op in per_op)
    assert sum(op["estimated_cycles"] for op in per_op) < est["cycles"]


def test_a_deadline_met_by_virtual_time_but_missed_by_the_estimate_fails_when_the_estimate_is_chosen(tmp_path):
    """hello_world on qemu: about 3,480 virtual cycles (139 us at 25 MHz); its estimate on a
    Cortex-M4 at 25 MHz is well above 1.2 times that. A 170 us deadline sits between the two."""
    suite = tmp_path / "test_user_deadline.py"
    suite.write_text(textwrap.dedent("""
        import pytest
        from hil.model import catalog
        from hil.pytest.suites import assert_deadline

        MODEL = catalog.load_config(catalog.paths.models_dir() / "hello_world" / "model.toml")

        @pytest.mark.deadline(us=170)
        def test_deadline(hil, request):
            assert_deadline(hil, MODEL, request)
    """))

    def run(*extra):
        return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rfs", "-p", "no:randomly", str(suite),
                               "--vectors=2", *extra], cwd=tmp_path, capture_output=True, text=True, timeout=600)

    virtual = run()
    assert virtual.returncode == 0, virtual.stdout[-2000:]
    estimated = run("--estimate-for=cortex-m4@25MHz")
    assert estimated.returncode == 1, estimated.stdout[-2000:]
    assert "[deadline] hello_world on qemu: deadline 170 us missed by" in estimated.stdout
    assert "[estimated for cortex-m4@25MHz" in estimated.stdout


def test_estimate_for_a_board_without_qemu_is_refused_in_one_line():
    result = _hil("run", str(HELLO), "--board", "stm32", "--port", "/dev/null", "--estimate-for", "stm32l4r5")
    assert result.returncode != 0
    assert "--estimate-for" in result.stderr and "qemu" in result.stderr and "Traceback" not in result.stderr



def test_the_calibration_is_what_refitting_its_stored_mixes_gives_and_the_docs_show_it():
    """calibration.toml's parameter and band come from its stored mixes and the published figures
    (hil/estimate/calibrate.py), and docs/timing.md shows that leave-one-out table."""
    from hil.estimate.calibrate import PUBLISHED, calibrated, stored_figures, table
    from hil.estimate.model import Estimator, calibrations

    estimator = Estimator.for_part(find_part("stm32l4r5@120MHz"))
    figures = stored_figures()
    assert sorted(f.model for f in figures) == sorted(PUBLISHED)
    refit, stored = calibrated(estimator, figures), calibrations()["cortex-m4"]
    assert (refit.extra_class, refit.band, refit.validated_part) == (stored.extra_class, stored.band,
                                                                     stored.validated_part)
    assert refit.extra == pytest.approx(stored.extra, abs=1e-6)
    assert stored.band <= 0.15  # the goal, for every leave-one-out estimate
    docs = (paths.REPO_ROOT / "docs" / "timing.md").read_text()
    missing = [line for line in table(estimator, figures).splitlines() if line not in docs]
    assert not missing, f"docs/timing.md lacks the calibration rows {missing}: rerun bench.estimate_calibration"


def test_the_hardware_terms_follow_the_trm_table_and_the_part_wait_states():
    from hil.estimate.calibrate import hardware_only
    from hil.estimate.model import Estimator

    mix = np.zeros(len(CLASSES), dtype=np.int64)
    for name, count in (("insns", 17), ("alu", 5), ("ld", 10), ("ldm", 2), ("ldm_regs", 6), ("br_taken", 3),
                        ("dmiss", 4), ("imiss_seq", 1)):
        mix[INDEX[name]] = count
    l4 = hardware_only(Estimator.for_part(find_part("stm32l4r5@120MHz")))
    # core 5 x 1 + 10 x 2 + 2 x 1 + 6 x 1; refills 3 x 2; misses (4 + 1) x 5 wait states
    assert l4.terms(mix) == {"core": 33, "branches": 6, "flash": 25, "calibrated": 0}
    assert hardware_only(Estimator.for_part(find_part("stm32l4r5@40MHz"))).terms(mix)["flash"] == 5


def test_a_profile_can_choose_the_estimate_for_its_deadlines(tmp_path):
    from hil.boards.profile import load_profile

    source = (paths.REPO_ROOT / "hil" / "boards" / "profiles" / "qemu-l4r5.toml").read_text()
    chosen = tmp_path / "l4r5-estimated.toml"
    chosen.write_text(source.replace('part = "stm32l4r5@120MHz"', 'part = "stm32l4r5@120MHz"\ndeadlines = "estimated"'))
    profile = load_profile(chosen)
    assert (profile.estimate_part, profile.deadline_clock) == ("stm32l4r5@120MHz", "estimated")
    assert Harness(HarnessConfig(profile)).deadline_clock == "estimated"
    assert Harness(HarnessConfig(find_profile("qemu-l4r5"))).deadline_clock == "virtual"
    assert Harness(HarnessConfig(find_profile("qemu-l4r5"), backend_options={"estimate_for": "stm32l4r5"})
                   ).deadline_clock == "estimated"
    chosen.write_text(source.replace('part = "stm32l4r5@120MHz"', 'part = "stm32l4r5@120MHz"\ndeadlines = "silicon"'))
    with pytest.raises(ConfigError, match="deadlines must be 'virtual' or 'estimated'"):
        load_profile(chosen)


def test_the_report_shows_the_estimate_with_its_part_and_band():
    from hil.report.analysis import estimate_summary, estimate_text
    from hil.results.fields import Field

    rows = [{Field.ESTIMATED_CYCLES: 1_200_000, Field.ESTIMATED_US: 10_000.0, Field.ESTIMATE_PART: "stm32l4r5@120MHz",
             Field.ESTIMATE_BAND: 0.0397}, {Field.ESTIMATED_CYCLES: 1_000}, {Field.CYCLES: 5}]
    summary = estimate_summary(rows)
    assert summary["cycles"] == 1_200_000
    assert estimate_text(summary) == "estimated 10.0 ms on stm32l4r5@120MHz ±4.0%"
    assert estimate_text(estimate_summary([{Field.ESTIMATED_CYCLES: 1_000}])) == "estimated 1,000 cycles (band unknown)"
    assert estimate_summary([{Field.CYCLES: 5}]) is None


def test_an_image_the_plugin_cannot_read_runs_without_an_estimate_unless_one_was_asked_for(tmp_path):
    from hil.boards.qemu import QemuBackend

    image = tmp_path / "bare.elf"
    image.write_bytes(b"not an ELF")
    plugin, mix, warnings = QemuBackend(find_profile("qemu"))._plugin(image)
    assert (plugin, mix) == ([], None) and "no estimated cycles" in warnings[0]
    with pytest.raises(ConfigError):
        QemuBackend(find_profile("qemu"), estimate_for="cortex-m4")._plugin(image)
