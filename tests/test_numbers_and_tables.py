"""What the harness prints and renders: the end-of-run tables also under xdist, every figure with
a unit and a sensible precision, the RAM the firmware really uses (static data + arena used +
stack high-water mark measured on the target) beside the linker's reservation, float parity as
a tolerance verdict in the report, legends clear of the data, complete `bench.run --help`,
documented environment variables, no assertion-rewrite warnings, no packaging deprecation."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENV = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}  # HIL_RESULTS_DB: a temporary one (conftest.py)
ENV["TF_CPP_MIN_LOG_LEVEL"] = "3"
SUITES = ["test_suites/test_footprint.py", "test_suites/test_deadlines.py", "test_suites/test_cycles.py",
          "test_suites/test_soak.py"]
# A figure of a thousand microseconds or more, or one in exponent notation, is unreadable.
UNREADABLE = re.compile(r"\b\d[\d,]{3,}(\.\d+)? (us|µs)\b|\d(\.\d+)?e[+-]\d+ (us|µs|s|ms)\b")


def run(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=ENV)


def section(out: str, name: str) -> list[str]:
    """The lines of one `hil: <name>` end-of-run table."""
    match = re.search(rf"^-+ hil: {name} -+\n(.*?)(?=^-+ hil: |^=+ |\Z)", out, re.M | re.S)
    assert match, f"no '{name}' table in:\n{out[-3000:]}"
    return match.group(1).strip().splitlines()


@pytest.fixture(scope="module")
def xdist_session() -> str:
    proc = run("-m", "pytest", *SUITES, "--only-model=hello_world", "--only-model=kws_dscnn", "--vectors=5",
               "--soak=20", "-n", "2", "--no-results", "-q", "-p", "no:randomly")
    assert proc.returncode == 0, proc.stdout[-3000:]
    return proc.stdout


@pytest.mark.parametrize("table", ["footprint", "deadlines", "cycles", "soak"])
def test_xdist_session_prints_the_end_of_run_tables(xdist_session, table):
    lines = section(xdist_session, table)
    models = ["hello_world", "kws_dscnn"] if table != "soak" else []
    for model in models:
        assert sum(line.startswith(model) for line in lines) == 1, lines
    assert lines


def test_figures_have_units_and_readable_precision(xdist_session):
    """kws_dscnn takes about 70 ms per inference with a 1 s deadline: milliseconds and seconds,
    not "69816.0 us" and "1e+06 us"."""
    kws = next(line for line in section(xdist_session, "deadlines") if line.startswith("kws_dscnn"))
    assert re.search(r"WCET [\d,]+ cycles = \d+\.\d ms", kws) and "deadline 1 s" in kws, kws
    assert not UNREADABLE.search(xdist_session), UNREADABLE.search(xdist_session).group(0)
    proc = run("-m", "hil.cli", "run", "--vectors", "2", "models/kws_dscnn/kws_dscnn.tflite")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert re.search(r"^latency\s+\d+\.\d ms worst", proc.stdout, re.M), proc.stdout
    assert not UNREADABLE.search(proc.stdout), proc.stdout


def test_units_helper():
    from hil.units import bytes_text, duration_text, limit_text

    assert duration_text(605019.2) == "605.0 ms" and duration_text(139.24) == "139.2 us"
    assert duration_text(2_500_000) == "2.5 s" and duration_text(-579.2) == "-579.2 us"
    assert limit_text(1_000_000) == "1 s" and limit_text(1000) == "1 ms" and limit_text(250) == "250 us"
    assert limit_text(50_000) == "50 ms" and duration_text(1.6, micro="µs") == "1.6 µs"
    assert bytes_text(2107816) == "2,107,816 B"


def footprint_figures(line: str) -> dict[str, int]:
    """The byte figures of one footprint line, by label."""
    return {label: int(value.replace(",", "")) for value, label in
            re.findall(r"([\d,]+) B (used|reserved|static|arena|stack peak|stack reserve)\b", line)}


def test_footprint_reports_the_ram_really_used(xdist_session):
    rows = {line.split()[0]: footprint_figures(line) for line in section(xdist_session, "footprint")}
    small, large = rows["hello_world"], rows["kws_dscnn"]
    for row in (small, large):
        assert row["used"] == row["static"] + row["arena"] + row["stack peak"], row
        assert 0 < row["stack peak"] < row["stack reserve"] and row["used"] < row["reserved"], row
    assert small["reserved"] == large["reserved"]  # the linker's reservation does not depend on the model
    assert small["used"] < large["used"] and small["arena"] < large["arena"]


def test_target_measures_its_stack_high_water_mark():
    """MEMORY reports the stack reserve and the deepest use since boot, found by scanning the
    stack the firmware painted at reset: an inference goes deeper than the idle agent."""
    from hil.boards import find_profile
    from hil.harness.config import HarnessConfig
    from hil.harness.runner import Harness
    from hil.model import catalog

    harness = Harness(HarnessConfig(find_profile("qemu")))
    try:
        model = next(m for m in catalog.discover() if m.name == "kws_dscnn")
        device = harness.target(model).device
        idle = device.memory()
        harness.run_vector(model, 0)
        after = device.memory()
    finally:
        harness.close()
    assert idle.stack_reserve_bytes == after.stack_reserve_bytes == 16 * 1024  # HIL_STACK_BYTES of mps2.ld
    assert 0 < idle.stack_peak_bytes < after.stack_peak_bytes < after.stack_reserve_bytes


def test_memory_message_ids_match_the_firmware_header():
    from hil.link.protocol import Msg

    header = (ROOT / "firmware" / "agent" / "hil_protocol.h").read_text()
    ids = {name: int(value, 16) for name, value in re.findall(r"HIL_MSG_(\w+) = (0x[0-9A-Fa-f]+)", header)}
    assert ids["MEMORY"] == Msg.MEMORY and ids["MEMORY_INFO"] == Msg.MEMORY_INFO
