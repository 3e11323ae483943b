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

from hil.farm.coordinator import Coordinator
from hil.farm.lab import BoardSpec, LoopbackLab

ROOT = Path(__file__).resolve().parents[1]
MODEL = "hello_world"  # the smallest catalog model: the tests measure the farm, not the model


@pytest.fixture(scope="module")
def lab():
    with LoopbackLab([BoardSpec("farm-a", "qemu", "lab-a"), BoardSpec("farm-b", "qemu", "lab-b")]) as running:
        yield running


def pytest_command(lab: LoopbackLab, tmp_path: Path, *args: str) -> dict:
    """Popen arguments of a `pytest --board=labgrid` run of the parity suite against the lab."""
    cmd = [sys.executable, "-m", "pytest", "test_suites/test_parity.py", "--board=labgrid",
           "--lg-coordinator", lab.address, "--only-model", MODEL, f"--results-db={tmp_path / 'results.sqlite'}",
           "-p", "no:cacheprovider", "-p", "no:randomly", *args]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "LG_PLACE", "LG_COORDINATOR")}
    return {"args": cmd, "cwd": ROOT, "text": True, "env": env}


def run_pytest(lab: LoopbackLab, tmp_path: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(**pytest_command(lab, tmp_path, *args), capture_output=True, timeout=timeout)


def holder(lab: LoopbackLab, place: str) -> str | None:
    client = Coordinator(lab.address)
    try:
        return client.places()[place].acquired
    finally:
        client.close()


def results(tmp_path: Path) -> list[tuple[str, str, str | None, str | None]]:
    """(nodeid, outcome, category, place) of every recorded test."""
    with sqlite3.connect(tmp_path / "results.sqlite") as con:
        rows = con.execute("SELECT nodeid, outcome, category, extra FROM results ORDER BY id").fetchall()
    return [(n, o, c, json.loads(e).get("place")) for n, o, c, e in rows]


def assert_all_free(lab: LoopbackLab) -> None:
    client = Coordinator(lab.address)
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
    command = pytest_command(lab, tmp_path, "--lg-env", str(env_file), "--vectors", "200", "-q")
    command["args"].remove("--lg-coordinator")
    command["args"].remove(lab.address)
    proc = subprocess.Popen(**command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while holder(lab, "farm-a") is None and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert holder(lab, "farm-a") is not None, "the run never acquired farm-a"
        time.sleep(1.0)  # into the vectors
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode != 0, out[-2000:]
    assert_all_free(lab)
