"""What every backend provides: a started target with a connected, READY device."""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from hil.boards.profile import BoardProfile
from hil.client import Client
from hil.device import Device
from hil.errors import Category, HilError
from hil.timing import Clock, TimeoutPolicy
from hil.transport import Transport

_LIVE_PROCESSES: set[subprocess.Popen] = set()


def _kill_all() -> None:
    for proc in list(_LIVE_PROCESSES):
        kill_process_group(proc)


atexit.register(_kill_all)


def spawn(cmd: list[str], log_name: str) -> tuple[subprocess.Popen, Path]:
    """Starts a helper process in its own process group, stderr+stdout kept in a log file."""
    log = Path(tempfile.mkstemp(prefix=f"hil-{log_name}-", suffix=".log")[1])
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    _LIVE_PROCESSES.add(proc)
    return proc, log


def kill_process_group(proc: subprocess.Popen, grace: float = 1.0) -> None:
    """Terminates the process and its children; SIGKILL after `grace` seconds."""
    _LIVE_PROCESSES.discard(proc)
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


def log_tail(path: Path | None, lines: int = 5) -> str:
    if not path or not path.exists():
        return ""
    text = path.read_text(errors="replace").strip().splitlines()
    return " | ".join(text[-lines:])


@dataclass
class Session:
    """A running target. `explain` turns a transport failure into the most specific category
    (an emulator that exited says so, with its exit code and output)."""

    profile: BoardProfile
    device: Device
    clock: Clock
    transport: Transport
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    started_at: float = field(default_factory=time.monotonic)

    def stop(self) -> None:
        self.transport.close()
        if self.process is not None:
            kill_process_group(self.process)

    def alive(self) -> bool:
        return self.process is None or self.process.poll() is None

    def explain(self, exc: HilError) -> HilError:
        if self.process is not None and self.process.poll() is not None:
            code = self.process.returncode
            tail = log_tail(self.log_path)
            return HilError(f"{self.profile.name}: the emulator exited with code {code}"
                            + (f" ({tail})" if tail else "") + f" while: {exc}",
                            Category.EMULATOR_EXITED, {"exit_code": code, "log": tail})
        return exc


def connect_device(profile: BoardProfile, transport: Transport, ready_timeout: float,
                   cpu_hz: int | None = None) -> tuple[Device, Clock]:
    """Waits for READY on a fresh transport and wraps it as a Device."""
    client = Client(transport)
    ready = client.wait_ready(ready_timeout)
    if ready.version != 1:
        raise HilError(f"{profile.name}: firmware speaks protocol version {ready.version}, this harness "
                       f"speaks 1: rebuild the firmware from this checkout", Category.PROTOCOL)
    clock = Clock.from_ready(ready, emulated=profile.emulated, cpu_hz=cpu_hz or profile.cpu_hz,
                             instructions_per_tick=profile.setting("instructions_per_tick"))
    return Device(client, ready, TimeoutPolicy()), clock
