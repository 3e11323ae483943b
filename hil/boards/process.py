"""Helper processes (QEMU, Renode, the bench stand-in) that never outlive the harness.

Each runs in its own session, so a Ctrl-C in the terminal reaches only the harness, which then
stops its children in order. Their lives are tied to the harness's twice:
- on Linux the child asks, between fork and exec, for SIGKILL when its parent dies
  (prctl PR_SET_PDEATHSIG): a SIGKILL, an OOM kill or a closed terminal takes it along at once;
- everywhere, a watchdog process reads a pipe whose write end only the harness holds; when the
  harness dies the kernel closes that end and the watchdog kills the child's whole process
  group, then removes its log and scratch files. This also reaches grandchildren (Renode's
  launcher script runs mono as its child, which the parent-death signal does not reach) and
  systems without prctl.
SIGTERM ends a run like Ctrl-C (`stop_on_sigterm`), so the harness stops its children itself.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

_PR_SET_PDEATHSIG = 1
_WATCHDOG = ("import os, shutil, signal, sys\n"
             "while os.read(0, 512):\n    pass\n"  # only EOF comes: the harness has gone
             "try:\n    os.killpg(int(sys.argv[1]), signal.SIGKILL)\nexcept OSError:\n    pass\n"
             "for path in sys.argv[2:]:\n"  # the child's log and scratch files: nobody else will remove them
             "    if os.path.isdir(path):\n        shutil.rmtree(path, ignore_errors=True)\n"
             "    elif os.path.lexists(path):\n        os.unlink(path)\n")
_LIVE: dict[subprocess.Popen, tuple[subprocess.Popen, int]] = {}  # child -> (its watchdog, pipe end)


def _prctl():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl()


def _die_with_parent_hook():
    """The preexec_fn that sets the parent-death signal, or None. Only from the main thread:
    the signal fires when the spawning *thread* exits, which would kill a child of a worker
    thread early. Everything is bound before fork; the child only makes two system calls."""
    if _PRCTL is None or threading.current_thread() is not threading.main_thread():
        return None
    parent, prctl, kill, getpid, getppid = os.getpid(), _PRCTL, os.kill, os.getpid, os.getppid

    def hook() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if getppid() != parent:  # the harness died before the signal was armed
            kill(getpid(), signal.SIGKILL)

    return hook


def _start_watchdog(child: subprocess.Popen, scratch: list[Path]) -> tuple[subprocess.Popen, int]:
    read_end, write_end = os.pipe()  # not inheritable: no other child holds the write end
    argv = [sys.executable, "-I", "-S", "-c", _WATCHDOG, str(child.pid), *map(str, scratch)]
    try:
        watchdog = subprocess.Popen(argv, stdin=read_end,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        os.close(write_end)
        raise
    finally:
        os.close(read_end)
    return watchdog, write_end


def spawn(cmd: list[str], log_name: str, *, stdin_pipe: bool = False, cwd: Path | None = None,
          scratch: tuple[Path, ...] = ()) -> tuple[subprocess.Popen, Path]:
    """Starts a helper process in its own session, stderr+stdout kept in a log file, tied to
    the harness's life (module docstring). `stdin_pipe` keeps a pipe to its stdin (Renode's
    console monitor reads commands there). If the harness dies, the watchdog also removes the
    log and the `scratch` paths (the harness removes them itself when it stops the process)."""
    log = Path(tempfile.mkstemp(prefix=f"hil-{log_name}-", suffix=".log")[1])
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin_pipe else subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True, cwd=cwd,
                                preexec_fn=_die_with_parent_hook())
    try:
        _LIVE[proc] = _start_watchdog(proc, [log, *scratch])
    except OSError:
        kill_process_group(proc)
        raise
    return proc, log


def _release_watchdog(proc: subprocess.Popen) -> None:
    """Stops a child's watchdog before the harness stops the child: a watchdog must never act
    on a process group the harness has already reaped (its id could be reused)."""
    watchdog, write_end = _LIVE.pop(proc, (None, None))
    if watchdog is not None:
        watchdog.kill()
        watchdog.wait()
        os.close(write_end)


def kill_process_group(proc: subprocess.Popen, grace: float = 1.0) -> None:
    """Terminates the process and its children; SIGKILL after `grace` seconds."""
    _release_watchdog(proc)
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=grace)
        except (ProcessLookupError, PermissionError):
            pass
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=5)


def kill_all() -> None:
    for proc in list(_LIVE):
        kill_process_group(proc)


atexit.register(kill_all)


def remove_scratch(*paths: Path | None) -> None:
    """A stopped session's log and scratch folder go with it: a failure has quoted the log's
    tail already, and a nightly would otherwise leave one of each per session in /tmp."""
    for path in paths:
        if path is not None and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path is not None:
            path.unlink(missing_ok=True)


def log_tail(path: Path | None, lines: int = 5) -> str:
    if not path or not path.exists():
        return ""
    text = path.read_text(errors="replace").strip().splitlines()
    return " | ".join(text[-lines:])


def _interrupt(signum, frame) -> None:
    signal.signal(signum, signal.SIG_DFL)  # a second SIGTERM ends the process at once
    raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")


def stop_on_sigterm() -> None:
    """SIGTERM (`kill`, a CI job cancelled) stops the run the way Ctrl-C does: pytest ends the
    session keeping every result so far and exits non-zero, `hil` prints "interrupted"; the
    emulators are stopped on the way out. Only from the main thread, and only when nobody else
    handles SIGTERM."""
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) in (
            signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, _interrupt)
