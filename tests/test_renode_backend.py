"""The Renode backend: the .resc it writes, its command line, where it looks for Renode, the
one-line refusal without Renode, how Renode's output is read, and its process/pty plumbing driven
through a stand-in `renode` script (CI machines have no Renode: the script reads the same .resc
and runs the ELF on QEMU netduinoplus2 instead). tests/test_renode_real.py runs real Renode."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from hil.boards import find_profile
from hil.boards import renode as renode_module
from hil.boards.renode import RenodeBackend, find_renode, renode_command, renode_run_installs, resc_text
from hil.boards.renode_output import RenodeOutput
from hil.errors import ConfigError, HilError
from hil.harness.build import build_firmware

ROOT = Path(__file__).resolve().parents[1]
HELLO = ROOT / "models" / "hello_world" / "hello_world.tflite"


def test_resc_with_a_pty_terminal():
    text = resc_text(find_profile("renode"), Path("/tmp/w/firmware.elf"), pty=Path("/tmp/w/uart"))
    assert text.splitlines()[1:] == [
        'mach create "hil"',
        'log "hil-step: machine created"',
        "machine LoadPlatformDescription @platforms/boards/stm32f4_discovery-kit.repl",
        'log "hil-step: platform loaded"',
        "sysbus LoadELF @/tmp/w/firmware.elf",
        'log "hil-step: ELF loaded"',
        'emulation CreateUartPtyTerminal "hilterm" "/tmp/w/uart" true',
        "connector Connect sysbus.usart2 hilterm",
        'log "hil-step: UART connected"',
        "start",
        'log "hil-step: started"',
    ]


def test_resc_with_a_socket_terminal_where_there_are_no_ptys():
    text = resc_text(find_profile("renode"), Path("/tmp/w/firmware.elf"), socket_port=4567)
    assert 'emulation CreateServerSocketTerminal 4567 "hilterm" false' in text.splitlines()
    assert "CreateUartPtyTerminal" not in text
    assert text.splitlines()[-4:-2] == ["connector Connect sysbus.usart2 hilterm", 'log "hil-step: UART connected"']


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


# ---------------------------------------------------------------- Renode's output

# Renode 1.14.0's own lines, as it printed them on this machine without network access.
OFFLINE_START = """\
11:46:02.7107 [INFO] Script: hil-step: machine created
11:46:04.3347 [ERROR] Failed to download from https://dl.antmicro.com/projects/renode/svd/STM32F40x.svd.gz, \
reason: server name resolution error (attempt 1/5)
11:46:04.3348 [ERROR] Failed to download from https://dl.antmicro.com/projects/renode/svd/STM32F40x.svd.gz, \
reason: server name resolution error (attempt 2/5)
11:46:04.3390 [ERROR] Download failed 5 times, aborting.
11:46:06.2299 [INFO] Script: hil-step: platform loaded
11:46:06.4257 [INFO] Script: hil-step: ELF loaded
(hil) 11:44:59.3369 [WARNING] sysbus: [cpu: 0x80004CC] ReadDoubleWord from non existing peripheral at 0xE0042000.
quit
Renode is quitting
11:44:58.2337 [INFO] hil: Machine paused.
Fatal error:
One or more errors occurred. (Input/output error)
  at AntShell.Terminal.StreamIOSource.Read () [0x0003c] in <51b3151e441d4db7894c5cc782073d43>:0
"""


def test_renode_errors_it_carries_on_after_are_one_warning_and_shutdown_noise_is_dropped(tmp_path):
    log = tmp_path / "renode.log"
    log.write_text(OFFLINE_START)
    output = RenodeOutput.read(log)
    assert output.fatal() == ""  # nothing that stops a start
    assert output.last_step() == "ELF loaded"
    assert output.errors() == ["Failed to download from https://dl.antmicro.com/projects/renode/svd/STM32F40x.svd.gz, "
                               "reason: server name resolution error", "Download failed 5 times, aborting."]
    assert output.warning().startswith("Renode logged errors and carried on, the session runs normally: Failed to")
    assert "SVD file" in output.warning() and "\n" not in output.warning()
    assert "Fatal error" not in output.tail() and "Input/output" not in " ".join(output.lines)
    assert output.tail(1) == "quit"


def test_a_failed_monitor_command_is_fatal_with_its_reason(tmp_path):
    log = tmp_path / "renode.log"
    log.write_text("11:46:45.0976 [INFO] Script: hil-step: machine created\n"
                   "There was an error executing command 'machine LoadPlatformDescription @platforms/nope.repl'\n"
                   "Could not find file 'platforms/nope.repl'.\n(hil) \n")
    output = RenodeOutput.read(log)
    assert output.fatal() == ("There was an error executing command 'machine LoadPlatformDescription "
                              "@platforms/nope.repl': Could not find file 'platforms/nope.repl'.")
    assert output.describe().startswith("last step done: machine created; Renode output: There was an error")
    assert RenodeOutput.read(tmp_path / "missing.log").describe() == (
        "last step done: none (Renode did not run the script); Renode output: no output")


# ---------------------------------------------------------------- the stand-in renode

STANDIN_RENODE = r'''
import os, re, subprocess, sys
record = open(os.environ["FAKE_RENODE_RECORD"], "a")
record.write("argv " + " ".join(sys.argv[1:]) + "\n")
record.flush()
script = open(sys.argv[-1]).read()
mode = os.environ.get("FAKE_RENODE_MODE")
print("12:00:00.0000 [INFO] Script: hil-step: machine created", flush=True)
if mode == "error":
    print("There was an error executing command 'machine LoadPlatformDescription @nope.repl'", flush=True)
    print("Could not find file 'nope.repl'.", flush=True)
else:
    if mode == "offline":  # what Renode prints without network access, then carries on
        print("12:00:01.0000 [ERROR] Failed to download from https://example.invalid/x.svd.gz, reason: server "
              "name resolution error (attempt 1/5)", flush=True)
    elf = re.search(r"sysbus LoadELF @(\S+)", script).group(1)
    link = re.search(r'CreateUartPtyTerminal "\w+" "([^"]+)" true', script).group(1)
    assert re.search(r"connector Connect sysbus\.usart2 \w+\n.*\nstart\n.*\n$", script), script
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
if mode != "error":
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


def test_renode_backend_plumbing_with_a_standin_renode_script(standin_renode, monkeypatch):
    """Offline, Renode logs [ERROR] lines and carries on: the start succeeds and says so in a warning.
    The stand-in runs QEMU, whose SysTick ticks are 5.95 instructions, not the profile's 1.39: the
    backend's CALIBRATE finds that and uses the measurement, with a warning."""
    exe, record = standin_renode
    monkeypatch.setenv("FAKE_RENODE_MODE", "offline")
    elf = build_firmware("stm32f4", HELLO).elf
    session = RenodeBackend(_quick_profile(), renode_path=str(exe)).start(elf)
    try:
        assert session.device.ready.board == "stm32f4"
        assert session.device.echo(b"renode?") == b"renode?"
        assert session.clock.provenance == "virtual"
        assert session.clock.instructions_per_tick == pytest.approx(1e9 / 168e6, rel=1e-3)
        offline, calibration = session.warnings
        assert offline.startswith("Renode logged errors and carried on") and "name resolution" in offline
        assert "CALIBRATE measured 5.952" in calibration and "profile says 1.38889" in calibration
    finally:
        session.stop()
    assert session.process.poll() is not None
    lines = record.read_text().splitlines()
    assert re.fullmatch(r"argv --disable-xwt --console --plain /\S+/board\.resc", lines[0])
    assert lines[-1] == "quit"  # teardown asked the monitor to quit before any kill


def test_a_failed_monitor_command_stops_the_start_standin_renode(standin_renode, monkeypatch):
    exe, _ = standin_renode
    monkeypatch.setenv("FAKE_RENODE_MODE", "error")
    started = time.monotonic()
    with pytest.raises(HilError) as info:
        RenodeBackend(_quick_profile(), renode_path=str(exe)).start(build_firmware("stm32f4", HELLO).elf)
    assert info.value.one_line() == (
        "[emulator-exited] renode: Renode reported an error while starting (last step done: machine created; "
        "Renode output: There was an error executing command 'machine LoadPlatformDescription @nope.repl': "
        "Could not find file 'nope.repl'.)")
    assert time.monotonic() - started < 15


def test_an_interrupted_start_leaves_no_renode_folder_or_process_standin_renode(standin_renode, tmp_path,
                                                                               monkeypatch):
    """Ctrl-C (or SIGTERM, which the harness turns into one) while Renode comes up."""
    exe, _ = standin_renode
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(own_tmp))
    elf = build_firmware("stm32f4", HELLO).elf
    real_spawn, procs = renode_module.spawn, []

    def recording_spawn(*args, **kwargs):
        proc, log = real_spawn(*args, **kwargs)
        procs.append(proc)
        return proc, log

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # arrives once the UART is up, while the harness waits for READY

    monkeypatch.setattr(renode_module, "spawn", recording_spawn)
    monkeypatch.setattr(renode_module, "connect_device", interrupted)
    with pytest.raises(KeyboardInterrupt):
        RenodeBackend(_quick_profile(), renode_path=str(exe)).start(elf)
    assert procs[0].poll() is not None  # Renode was stopped
    assert list(own_tmp.iterdir()) == []  # no session folder, no log
