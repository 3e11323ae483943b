"""Timing on the emulator: determinism, calibration, per-operator accounting, and that the
deadline and cycle-baseline suites fail when they should."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hil.boards import find_profile
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness
from hil.model import catalog
from hil.verdicts.timing import VIRTUAL, Clock, TimingStats, deadline_failure

ROOT = Path(__file__).resolve().parents[1]
MODELS = [m for m in catalog.discover() if not m.missing_reason]


def pytest_subprocess(*args, cwd=ROOT, timeout=900):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rfs", "-p", "no:randomly", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


def ticks_of_fresh_session(model, vectors):
    harness = Harness(HarnessConfig(find_profile("qemu"), vector_limit=vectors))
    try:
        target = harness.target(model)
        return [target.device.infer(v, repeat=2).ticks for v in target.vectors.inputs]
    finally:
        harness.close()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
def test_two_emulator_runs_give_identical_counts(model, request):
    vectors = request.config.getoption("timing_vectors")
    first, second = ticks_of_fresh_session(model, vectors), ticks_of_fresh_session(model, vectors)
    assert first == second
    assert all(t > 0 for run in first for t in run)


def test_one_systick_tick_is_40_instructions_on_mps2_an386():
    harness = Harness(HarnessConfig(find_profile("qemu")))
    try:
        target = harness.target(next(m for m in MODELS if m.name == "hello_world"))
        instructions, ticks = target.device.calibrate(2_000_000)
    finally:
        harness.close()
    assert instructions == 4_000_000
    assert instructions / ticks == pytest.approx(40, rel=1e-3)


# A pipeline's invoke also copies and stacks each stage's outputs between its stages (not operator
# time), and its custom operators profile under the engine's own opcodes: plain models only here.
@pytest.mark.parametrize("model", [m for m in MODELS if not m.stages], ids=lambda m: m.name)
def test_per_operator_profile_accounts_for_the_inference(model):
    """Outside the operators an invoke costs only the loop and two counter reads per operator:
    at most 3 ticks (120 instructions) per operator plus 4 ticks."""
    harness = Harness(HarnessConfig(find_profile("qemu")))
    try:
        target = harness.target(model)
        total = target.device.infer(target.vectors.inputs[0]).ticks[0]
        ops = target.device.profile()
    finally:
        harness.close()
    assert len(ops) == len(target.info.ops)
    assert [o.opcode for o in ops] == [op.opcode for op in target.info.ops]
    overhead = total - sum(o.ticks for o in ops)
    assert 0 <= overhead <= 3 * len(ops) + 4, (total, overhead)


def test_cpu_hz_sets_latency_but_not_virtual_cycles():
    ready_like = type("R", (), {"counter_hz": 25_000_000, "counter_kind": 1})
    slow = Clock.from_ready(ready_like, emulated=True, cpu_hz=25_000_000, instructions_per_tick=40)
    fast = Clock.from_ready(ready_like, emulated=True, cpu_hz=100_000_000, instructions_per_tick=40)
    assert slow.cycles(10) == fast.cycles(10) == 400 and slow.provenance == VIRTUAL
    assert slow.latency_us(400) == 16.0 and fast.latency_us(400) == 4.0


def test_deadline_uses_the_worst_case_not_the_mean():
    clock = Clock(VIRTUAL, 1_000_000, 1_000_000, 1)
    stats = TimingStats([100] * 99 + [300], [100], clock, 100, 1)  # mean 102 us, worst 300 us
    message = deadline_failure(stats, deadline_us=200)
    assert message and "missed by 100.0 us" in message and "WCET 300 cycles" in message
    assert deadline_failure(stats, deadline_us=300) is None


def test_max_cycles_applies_to_the_worst_inference():
    clock = Clock(VIRTUAL, 1_000_000, 1_000_000, 1)
    stats = TimingStats([1000] * 9 + [1500], [1000], clock, 10, 1)  # median 1,000, worst 1,500
    message = deadline_failure(stats, max_cycles=1200)
    assert message and "max_cycles 1,200 exceeded by 300 cycles" in message
    assert deadline_failure(stats, max_cycles=1500) is None  # the limit itself is allowed


@pytest.mark.parametrize("growth, regressed", [(0.01, False), (0.019, False), (0.021, True), (0.03, True)])
def test_cycle_baseline_tolerance_is_a_fraction_of_the_baseline(growth, regressed):
    from hil.verdicts.baselines import compare

    baseline = {"cycles": 1_000_000, "per_op": [{"index": 0, "op": "CONV_2D", "cycles": 900_000}]}
    current = round(1_000_000 * (1 + growth))
    comparison = compare(baseline, current, [{"index": 0, "op": "CONV_2D", "cycles": current - 100_000}], 0.02)
    assert comparison.regressed is regressed and comparison.change == pytest.approx(growth, abs=1e-6)
    assert comparison.grown_ops == [(0, "CONV_2D", 900_000, current - 100_000)]


def test_deadline_below_wcet_fails_with_the_full_message(tmp_path):
    suite = tmp_path / "test_user_deadline.py"
    suite.write_text(textwrap.dedent("""
        import pytest
        from hil.model import catalog
        from hil.pytest.suites import assert_deadline

        MODEL = catalog.load_config(catalog.paths.models_dir() / "hello_world" / "model.toml")

        @pytest.mark.deadline(us=100)
        def test_too_tight(hil, request):
            assert_deadline(hil, MODEL, request)
    """))
    result = pytest_subprocess(str(suite), "--vectors=5", cwd=tmp_path)
    assert result.returncode == 1, result.stdout[-2000:]
    out = result.stdout
    for part in ("[deadline] hello_world on qemu: deadline 100 us missed by", "WCET", "p50", "p99", "jitter",
                 "margin -", "[virtual]"):
        assert part in out, (part, out[-2000:])


def test_committed_deadlines_pass():
    result = pytest_subprocess("test_suites/test_deadlines.py", "--only-model=hello_world")
    assert result.returncode == 0, result.stdout[-2000:]
    assert "1 passed" in result.stdout


def test_slowed_kernel_fails_cycles_and_is_named():
    result = pytest_subprocess("test_suites/test_cycles.py", "--only-model=hello_world",
                               "--hil-define=HIL_TEST_SLOW_OPCODE=9")
    assert result.returncode == 1, result.stdout[-2000:]
    assert "[cycles] hello_world on qemu/builtin: worst case" in result.stdout
    assert "grew most: FULLY_CONNECTED (op #" in result.stdout


def _counts(image: str, cycles: int, cycles_min: int, inferences: int = 10, provenance: str = "virtual") -> dict:
    return {"board": "qemu", "image_sha256": image, "cycles": cycles, "cycles_min": cycles_min,
            "inferences": inferences, "provenance": provenance}


def test_a_baseline_whose_counts_moved_with_the_firmware_image_is_stale():
    from hil.verdicts.baselines import stale_reason

    baseline = _counts("a" * 64, 15_124_600, 15_124_520)
    moved = stale_reason(baseline, _counts("b" * 64, 15_125_240, 15_125_200))
    assert moved and "firmware image changed" in moved and "15,124,600 -> 15,125,240" in moved
    assert "pytest --board=qemu test_suites/test_cycles.py --update-baselines" in moved
    assert "not recorded" in stale_reason({**baseline, "image_sha256": None}, _counts("b" * 64, 1, 1))
    assert "deterministic" in stale_reason(baseline, _counts("a" * 64, 15_124_640, 15_124_520))
    assert stale_reason(baseline, _counts("b" * 64, 15_124_600, 15_124_520)) is None  # new code, same counts
    assert stale_reason(baseline, _counts("b" * 64, 1, 1, inferences=2)) is None  # another vector selection
    assert stale_reason(baseline, _counts("b" * 64, 1, 1, provenance="measured")) is None  # silicon varies


def test_image_hash_follows_the_code_not_the_debug_info(tmp_path):
    from hil.harness.build import build_firmware, image_sha256

    elf = build_firmware("mps2_an386", catalog.paths.models_dir() / "hello_world" / "hello_world.tflite").elf
    stripped, patched = tmp_path / "stripped.elf", tmp_path / "patched.elf"
    subprocess.run(["arm-none-eabi-objcopy", "--strip-debug", str(elf), str(stripped)], check=True)
    subprocess.run(["arm-none-eabi-objcopy", "--add-section", ".hil_extra=/dev/null", str(elf), str(patched)],
                   check=True)  # an unallocated section: not executed, not hashed
    assert image_sha256(stripped) == image_sha256(patched) == image_sha256(elf)
    text = tmp_path / "text.bin"
    subprocess.run(["arm-none-eabi-objcopy", "-O", "binary", "--only-section=.text", str(elf), str(text)], check=True)
    data = bytearray(text.read_bytes())
    data[100] ^= 0xFF
    text.write_bytes(bytes(data))
    changed = tmp_path / "changed.elf"  # a new name: image_sha256 caches by path (cache ELFs never change)
    subprocess.run(["arm-none-eabi-objcopy", "--update-section", f".text={text}", str(elf), str(changed)], check=True)
    assert image_sha256(changed) != image_sha256(elf)
