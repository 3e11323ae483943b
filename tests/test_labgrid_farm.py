"""--board=labgrid end to end, with no stand-in for labgrid: a real labgrid coordinator and real
exporters on 127.0.0.1 (hil/farm/lab.py) export QEMU boards (UART on a TCP port as a
NetworkSerialPort, the GDB stub as the place's GDBServer) as places; `pytest --board=labgrid`
reserves, acquires, flashes through GDB, waits for READY, streams vectors and releases.
Every test checks that no place stays acquired and no reservation is left behind."""

from __future__ import annotations

import ipaddress
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from hil.farm.coordinator import connect
from hil.farm.lab import BoardSpec, LoopbackLab

ROOT = Path(__file__).resolve().parents[1]
MODEL = "hello_world"  # the smallest catalog model: the tests measure the farm, not the model


@pytest.fixture(scope="module")
def lab():
    boards = [BoardSpec("farm-a", "qemu", "lab-a"), BoardSpec("farm-b", "qemu", "lab-b"),
              BoardSpec("farm-m7", "qemu-m7", "lab-a")]
    with LoopbackLab(boards) as running:
        yield running


def pytest_command(lab: LoopbackLab, tmp_path: Path, *args: str, suite: str = "test_parity.py") -> dict:
    """Popen arguments of a `pytest --board=labgrid` run of a suite (parity) against the lab."""
    models = [] if "--only-model" in args else ["--only-model", MODEL]
    board = ["--board=labgrid"] if suite == "test_parity.py" else []
    cmd = [sys.executable, "-m", "pytest", f"test_suites/{suite}", *board,
           "--lg-coordinator", lab.address, *models, f"--results-db={tmp_path / 'results.sqlite'}",
           "-p", "no:cacheprovider", "-p", "no:randomly", *args]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "LG_PLACE", "LG_COORDINATOR")}
    return {"args": cmd, "cwd": ROOT, "text": True, "env": env}


def run_pytest(lab: LoopbackLab, tmp_path: Path, *args: str, timeout: float = 600,
               suite: str = "test_parity.py") -> subprocess.CompletedProcess:
    return subprocess.run(**pytest_command(lab, tmp_path, *args, suite=suite), capture_output=True, timeout=timeout)


def holder(lab: LoopbackLab, place: str) -> str | None:
    client = connect(lab.address)
    try:
        return client.places()[place].acquired
    finally:
        client.close()


def recorded(tmp_path: Path) -> list[tuple]:
    """results() of a run still going (nothing while the database or its schema is not there yet)."""
    try:
        return results(tmp_path)
    except sqlite3.OperationalError:
        return []


def results(tmp_path: Path) -> list[tuple[str, str, str | None, str | None]]:
    """(nodeid, outcome, category, place) of every recorded test."""
    with sqlite3.connect(tmp_path / "results.sqlite") as con:
        rows = con.execute("SELECT nodeid, outcome, category, extra FROM results ORDER BY id").fetchall()
    return [(n, o, c, json.loads(e).get("place")) for n, o, c, e in rows]


def assert_all_free(lab: LoopbackLab) -> None:
    client = connect(lab.address)
    try:
        held = {name: p.acquired for name, p in client.places().items() if p.acquired or p.reservation}
    finally:
        client.close()
    assert not held, f"places left acquired or reserved: {held}"


def test_parity_through_a_labgrid_place(lab, tmp_path):
    proc = run_pytest(lab, tmp_path, "--lg-place", "farm-b", "--vectors", "3", "-q")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert "acquired place farm-b" in out, out[-3000:]
    rows = results(tmp_path)
    assert len(rows) == 3 and {(o, p) for _, o, _, p in rows} == {("passed", "farm-b")}, rows
    assert_all_free(lab)


def test_a_place_nobody_has_is_one_line(lab, tmp_path):
    proc = run_pytest(lab, tmp_path, "--lg-place", "no-such-place", "-q")
    assert proc.returncode == 4, proc.stdout + proc.stderr
    line = [ln for ln in proc.stderr.splitlines() if "no labgrid place" in ln]
    assert line and "farm-a (hil_board=qemu)" in line[0] and "Traceback" not in proc.stderr, proc.stderr


def test_the_lab_listens_on_loopback_only(lab):
    listening = [c for pid in lab.pids() for c in psutil.Process(pid).net_connections("inet")
                 if c.status == psutil.CONN_LISTEN]
    assert listening, "the lab has no listening socket at all"
    addresses = {ipaddress.ip_address(c.laddr.ip) for c in listening}
    mapped = {getattr(a, "ipv4_mapped", None) or a for a in addresses}  # gRPC's ::ffff:127.0.0.1
    assert mapped == {ipaddress.ip_address("127.0.0.1")}, listening


def test_sigterm_releases_the_place(lab, tmp_path):
    """A cancelled CI job (SIGTERM) while it holds a place: the run stops and the place is free.
    The place comes from a labgrid environment file (--lg-env), as labgrid's own plugin takes it."""
    env_file = tmp_path / "env.yaml"  # a labgrid environment file names the place and the coordinator
    env_file.write_text(f"targets:\n  main:\n    resources:\n      RemotePlace:\n        name: farm-a\n"
                        f"options:\n  coordinator_address: {lab.address}\n")
    command = pytest_command(lab, tmp_path, "--lg-env", str(env_file), "--vectors", "3000", "-q")
    command["args"].remove("--lg-coordinator")
    command["args"].remove(lab.address)
    proc = subprocess.Popen(**command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while holder(lab, "farm-a") is None and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert holder(lab, "farm-a") is not None, "the run never acquired farm-a"
        time.sleep(0.2)  # held; 3,000 vectors outlast this by far (200 ran out within 1 s on the debug path)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode != 0, out[-2000:]
    assert_all_free(lab)


def test_killing_the_exporter_mid_run_fails_as_place_lost_and_releases(lab, tmp_path):
    """SIGKILL the lab host (exporter) of the place in use: results measured before stay, the
    test in flight and every later one fail as place-lost, and the place is released at once."""
    model = ROOT / "models" / MODEL / f"{MODEL}.tflite"
    proc = subprocess.Popen(**pytest_command(lab, tmp_path, "--lg-place", "farm-b", "--only-model", "none",
                                             "--model", str(model), "--vectors", "300", "-q"),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while len(recorded(tmp_path)) < 5 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        lab.kill_exporter("lab-b")
        before = recorded(tmp_path)
        out, _ = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
        lab.start_exporter("lab-b")  # the lab host comes back for the tests after this one
    after = results(tmp_path)
    assert len(before) >= 5 and all(outcome == "passed" for _, outcome, _, _ in before), out[-2000:]
    assert [r[:2] for r in after[:len(before)]] == [r[:2] for r in before], "results measured before the kill changed"
    failed = [r for r in after if r[1] != "passed"]
    assert failed and {r[2] for r in failed} == {"place-lost"}, out[-2000:]
    assert {r[3] for r in after} == {"farm-b"}
    assert "its exporter lab-b went away" in out, out[-2000:]
    assert_all_free(lab)


def test_xdist_workers_share_two_places_and_the_third_waits(lab, tmp_path):
    """-n 3 over the two places tagged hil_board=qemu: each worker holds one place at a time,
    both places run tests, the worker left over waits (and says so) instead of failing."""
    proc = run_pytest(lab, tmp_path, "--lg-tags", "hil_board=qemu", "--vectors", "9", "-n", "3", "-q")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    rows = results(tmp_path)
    assert len(rows) == 9 and all(outcome == "passed" for _, outcome, _, _ in rows), rows
    assert {place for *_, place in rows} == {"farm-a", "farm-b"}, rows
    with sqlite3.connect(tmp_path / "results.sqlite") as con:
        per_worker = con.execute("SELECT worker, COUNT(DISTINCT json_extract(extra, '$.place')) FROM results "
                                 "GROUP BY worker").fetchall()
    assert len(per_worker) == 3 and all(n == 1 for _, n in per_worker), per_worker
    assert "waiting for a place tagged hil_board=qemu: 2 matching, busy: " in out, out[-3000:]
    assert "got place" in out, out[-3000:]
    assert_all_free(lab)


def test_cross_target_parity_over_two_places_of_different_boards(lab, tmp_path):
    """The multi-target fixture with two places at once, one by name (Cortex-M4) and one by tag
    (Cortex-M7): the same outputs on both, and both places released."""
    proc = run_pytest(lab, tmp_path, "--cross-boards", "labgrid:farm-a,labgrid:hil_board=qemu-m7", "--vectors", "2",
                      "-q", suite="test_cross_target.py")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    with sqlite3.connect(tmp_path / "results.sqlite") as con:
        extras = [json.loads(e) for (e,) in con.execute("SELECT extra FROM results WHERE outcome = 'passed'")]
    assert len(extras) == 2, out[-3000:]
    assert all(e["places"] == {"qemu@farm-a": "farm-a", "qemu-m7@hil_board=qemu-m7": "farm-m7"} for e in extras), extras
    assert_all_free(lab)


def test_hil_run_on_a_place(lab, tmp_path):
    """`hil run --board labgrid`: the same place handling as pytest's, the place in the JSON."""
    model = ROOT / "models" / MODEL / f"{MODEL}.tflite"
    cmd = [sys.executable, "-m", "hil.cli", "run", str(model), "--board", "labgrid", "--lg-place", "farm-a",
           "--lg-coordinator", lab.address, "--vectors", "3", "--json", f"--results-db={tmp_path / 'r.sqlite'}"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    summary = json.loads(proc.stdout)
    assert summary["place"] == "farm-a" and summary["board"] == "qemu" and summary["exact"], summary
    assert "acquired place farm-a" in proc.stderr, proc.stderr[-2000:]
    assert_all_free(lab)


def test_no_free_place_within_the_timeout_is_place_unavailable(lab, tmp_path):
    """Someone else holds the only matching place for longer than --lg-timeout: the tests fail as
    place-unavailable, naming the holder, and the run leaves no reservation behind."""
    client = connect(lab.address)
    holder_name = client.identity
    token = client.reserve({"name": "farm-a"})
    try:
        deadline = time.monotonic() + 30
        while client.poll(token)[0] != "allocated" and time.monotonic() < deadline:
            time.sleep(0.1)
        client.acquire("farm-a")
        proc = run_pytest(lab, tmp_path, "--lg-place", "farm-a", "--lg-timeout", "2", "--vectors", "2", "-q")
    finally:
        client.cancel(token)
        client.release("farm-a")
        client.close()
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out[-3000:]
    rows = results(tmp_path)
    assert len(rows) == 2 and {r[2] for r in rows} == {"place-unavailable"}, rows
    assert f"no labgrid place for place farm-a within 2 s: 1 matching, busy: farm-a held by {holder_name}" in out
    assert_all_free(lab)


def test_a_killed_harness_does_not_keep_its_place(lab, tmp_path):
    """SIGKILL leaves no chance to release: the place's watchdog (hil/farm/watchdog.py) sees the
    harness gone and releases the place from the harness's name."""
    proc = subprocess.Popen(**pytest_command(lab, tmp_path, "--lg-place", "farm-a", "--vectors", "200", "-q"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while holder(lab, "farm-a") is None and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert holder(lab, "farm-a") is not None, "the run never acquired farm-a"
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 60
    while holder(lab, "farm-a") is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert_all_free(lab)
