"""The Renode backend: the .resc it writes, its command line, where it looks for Renode, the
one-line refusal without Renode, and its process/pty plumbing driven through a stand-in
`renode` script (Renode cannot be installed on CI machines: the script reads the same .resc and
runs the ELF on QEMU netduinoplus2 instead). The real end-to-end test runs where Renode exists."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hil.boards import find_profile
from hil.boards.renode import RenodeBackend, find_renode, renode_command, renode_run_installs, resc_text
from hil.errors import ConfigError, HilError
from hil.harness.build import build_firmware

ROOT = Path(__file__).resolve().parents[1]
HELLO = ROOT / "models" / "hello_world" / "hello_world.tflite"


def test_resc_with_a_pty_terminal():
    text = resc_text(find_profile("renode"), Path("/tmp/w/firmware.elf"), pty=Path("/tmp/w/uart"))
    assert text.splitlines()[1:] == [
        'mach create "hil"',
        "machine LoadPlatformDescription @platforms/boards/stm32f4_discovery-kit.repl",
        "sysbus LoadELF @/tmp/w/firmware.elf",
        'emulation CreateUartPtyTerminal "hilterm" "/tmp/w/uart" true',
        "connector Connect sysbus.usart2 hilterm",
        "start",
    ]


def test_resc_with_a_socket_terminal_where_there_are_no_ptys():
    text = resc_text(find_profile("renode"), Path("/tmp/w/firmware.elf"), socket_port=4567)
    assert 'emulation CreateServerSocketTerminal 4567 "hilterm" false' in text.splitlines()
    assert "CreateUartPtyTerminal" not in text
    assert text.splitlines()[-2:] == ["connector Connect sysbus.usart2 hilterm", "start"]


def test_resc_refuses_paths_renode_cannot_parse():
    with pytest.raises(ConfigError, match="spaces"):
        resc_text(find_profile("renode"), Path("/tmp/my dir/firmware.elf"), pty=Path("/tmp/u"))


def test_renode_command_line_is_headless_with_the_monitor_on_stdin():
    assert renode_command("/opt/renode/renode", Path("/tmp/w/board.resc")) == [
        "/opt/renode/renode", "--disable-xwt", "--console", "--plain", "/tmp/w/board.resc"]


def _fake_exe(path: Path, body: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!{sys.executable}\n{body}")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_renode_is_found_at_renode_path_then_path_then_renode_run(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr("hil.boards.renode.RENODE_RUN_DIR", tmp_path / "cfg")
    with pytest.raises(ConfigError, match="renode-run download"):
        find_renode()
    # renode-run download: recorded in ~/.config/renode/renode-run.json
    install = tmp_path / "cfg" / "renode-run.download" / "dotnet-portable" / "renode-1.16.0+20250101git0123abcd"
    exe = _fake_exe(install / "renode")
    (tmp_path / "cfg" / "renode-run.json").write_text(json.dumps(
        {"version": "2.0", "installations": {str(install): {"version": "1.16.0", "variant": "dotnet-portable"}},
         "default": {"dotnet-portable": str(install)}}))
    assert find_renode() == str(exe)
    assert renode_run_installs(tmp_path / "cfg") == [exe]
    on_path = _fake_exe(tmp_path / "bin" / "renode")
    assert find_renode() == str(on_path)
    explicit = _fake_exe(tmp_path / "opt" / "renode")
    assert find_renode(str(tmp_path / "opt")) == str(explicit)  # a directory works too
    with pytest.raises(ConfigError, match="--renode-path .*no renode executable"):
        find_renode(str(tmp_path / "nowhere"))


def test_pytest_board_renode_without_renode_is_one_line(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "PATH": os.path.dirname(sys.executable) + os.pathsep + "/usr/bin:/bin"}
    if shutil.which("renode", path=env["PATH"]):
        pytest.skip("Renode is installed here")
    result = subprocess.run([sys.executable, "-m", "pytest", "test_suites", "--board=renode", "-p",
                             "no:cacheprovider", "-q"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    lines = [ln for ln in (result.stdout + result.stderr).splitlines() if ln.strip()]
    assert result.returncode != 0
    assert len(lines) == 1, lines
    assert "needs Renode" in lines[0] and "renode-run download" in lines[0] and "builds.renode.io" in lines[0]


# ---------------------------------------------------------------- the stand-in renode

STANDIN_RENODE = r'''
import os, re, subprocess, sys
record = open(os.environ["FAKE_RENODE_RECORD"], "a")
record.write("argv " + " ".join(sys.argv[1:]) + "\n")
record.flush()
script = open(sys.argv[-1]).read()
if os.environ.get("FAKE_RENODE_MODE") == "error":
    print("There was an error executing command 'machine LoadPlatformDescription @nope.repl'", flush=True)
else:
    elf = re.search(r"sysbus LoadELF @(\S+)", script).group(1)
    link = re.search(r'CreateUartPtyTerminal "\w+" "([^"]+)" true', script).group(1)
    assert re.search(r"connector Connect sysbus\.usart2 \w+\nstart\n$", script), script
    qemu = subprocess.Popen(["qemu-system-arm", "-M", "netduinoplus2", "-nographic", "-monitor", "none",
                             "-icount", "shift=0,sleep=off", "-serial", "null", "-serial", "pty", "-kernel", elf],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    pts = re.search(r"(/dev/pts/\d+)", qemu.stdout.readline()).group(1)
    os.symlink(pts, link)
    print("Starting emulation...", flush=True)
for line in sys.stdin:
    if line.strip() == "quit":
        record.write("quit\n")
        break
if os.environ.get("FAKE_RENODE_MODE") != "error":
    qemu.terminate()
    qemu.wait()
'''


@pytest.fixture
def standin_renode(tmp_path, monkeypatch):
    if shutil.which("qemu-system-arm") is None:
        pytest.skip("the stand-in renode runs the ELF on qemu-system-arm, which is not installed")
    record = tmp_path / "record.txt"
    monkeypatch.setenv("FAKE_RENODE_RECORD", str(record))
    return _fake_exe(tmp_path / "renode" / "renode", STANDIN_RENODE), record


def _quick_profile():
    profile = find_profile("renode")
    return dataclasses.replace(profile, settings={**profile.settings, "listen_s": 0.5, "ready_timeout": 20.0})


def test_renode_backend_plumbing_with_a_standin_renode_script(standin_renode):
    exe, record = standin_renode
    elf = build_firmware("stm32f4", HELLO).elf
    session = RenodeBackend(_quick_profile(), renode_path=str(exe)).start(elf)
    try:
        assert session.device.ready.board == "stm32f4"
        assert session.device.echo(b"renode?") == b"renode?"
        assert session.clock.provenance == "virtual"
    finally:
        session.stop()
    assert session.process.poll() is not None
    lines = record.read_text().splitlines()
    assert re.fullmatch(r"argv --disable-xwt --console --plain /\S+/board\.resc", lines[0])
    assert lines[-1] == "quit"  # teardown asked the monitor to quit before any kill


def test_renode_errors_are_reported_from_its_output_standin_renode(standin_renode, monkeypatch):
    exe, _ = standin_renode
    monkeypatch.setenv("FAKE_RENODE_MODE", "error")
    started = time.monotonic()
    with pytest.raises(HilError, match="Renode reported an error while starting: There was an error executing "
                                       "command 'machine LoadPlatformDescription"):
        RenodeBackend(_quick_profile(), renode_path=str(exe)).start(build_firmware("stm32f4", HELLO).elf)
    assert time.monotonic() - started < 15


# ---------------------------------------------------------------- real Renode


def test_parity_suite_on_renode_end_to_end():
    try:
        renode = find_renode()
    except ConfigError as exc:
        pytest.skip(f"Renode is not installed on this machine, so the real end-to-end run cannot happen: {exc}")
    cmd = [sys.executable, "-m", "pytest", "test_suites/test_parity.py", "--board=renode", "--renode-path", renode,
           "--only-model", "hello_world", "--vectors", "3", "--no-results", "-p", "no:cacheprovider", "-q"]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    assert re.search(r"\b3 passed\b", out), out[-3000:]
