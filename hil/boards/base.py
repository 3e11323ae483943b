"""What every backend provides: a started target with a connected, READY device."""

from __future__ import annotations

import contextlib
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from hil.boards.process import kill_process_group, log_tail, remove_scratch
from hil.boards.profile import BoardProfile
from hil.errors import Category, HilError, ProtocolError, TransportTimeout
from hil.estimate.mix import MixLog
from hil.estimate.model import Estimator
from hil.link.client import Client, DeviceReset
from hil.link.device import Device
from hil.link.protocol import PROTOCOL_VERSION, MalformedFrame, Ready
from hil.link.transport import Transport
from hil.verdicts.timing import Clock, TimeoutPolicy


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
    workdir: Path | None = None  # the session's own scratch folder (Renode: script and ELF copy)
    warnings: list[str] = field(default_factory=list)  # things the user should know; the session works
    place: str | None = None  # the labgrid place the target is on (hil/boards/labgrid.py)
    mix: MixLog | None = None  # QEMU's instruction mix per invoke, when cycles are estimated (hil/estimate)
    estimator: Estimator | None = None

    def stop(self) -> None:
        if self.device.debug is not None:  # before the emulator goes (kept on the device: reports name the path)
            self.device.debug.close()
        self.transport.close()
        if self.process is not None:
            kill_process_group(self.process)
        remove_scratch(self.log_path, self.workdir, self.mix.path if self.mix else None)

    def alive(self) -> bool:
        return self.process is None or self.process.poll() is None

    def output_tail(self) -> str:
        """The emulator's last output lines, for failure messages."""
        return log_tail(self.log_path)

    def explain(self, exc: HilError) -> HilError:
        if self.process is not None and exc.category in (Category.EMULATOR_EXITED, Category.TIMEOUT):
            try:  # a killed emulator's socket can close before the process is reaped
                self.process.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                pass
        if self.process is not None and self.process.poll() is not None:
            code = self.process.returncode
            tail = self.output_tail()
            return HilError(f"{self.profile.name}: the emulator exited with code {code}"
                            + (f" ({tail})" if tail else "") + f" while: {exc}",
                            Category.EMULATOR_EXITED, {"exit_code": code, "log": tail})
        return exc


def connect_device(profile: BoardProfile, transport: Transport, ready_timeout: float,
                   cpu_hz: int | None = None, *, hello_after: float | None = None) -> tuple[Device, Clock]:
    """Waits for READY on a fresh transport and wraps it as a Device. With `hello_after`, a
    target that stays silent that long is asked with HELLO (its boot READY may have gone out
    before the host was listening)."""
    client = Client(transport)
    if hello_after is None:
        ready = client.wait_ready(ready_timeout)
    else:
        ready = sync_ready(client, hello_after, ready_timeout)
    return wrap_device(profile, client, ready, cpu_hz)


def sync_ready(client: Client, listen: float, timeout: float) -> Ready:
    """The boot READY if one arrives within `listen` s, else the READY answering a HELLO, sent
    every couple of seconds until `timeout`. Boot noise and corrupted frames are skipped."""
    deadline = time.monotonic() + timeout
    try:
        return client.wait_ready(min(listen, timeout))
    except TransportTimeout:
        pass
    hellos = 0
    while (remaining := deadline - time.monotonic()) > 0:
        hellos += 1
        try:
            return client.hello(min(2.0, remaining))
        except DeviceReset as reset:  # it booted meanwhile; its answer to HELLO may follow
            with contextlib.suppress(TransportTimeout):
                client.wait_ready(1.0)
            return reset.ready
        except MalformedFrame:
            raise  # the target answered, in a layout no retry will fix
        except (TransportTimeout, ProtocolError):
            continue
    raise TransportTimeout(f"no READY frame within {timeout:.1f} s on {client.transport.name} (listened "
                           f"{min(listen, timeout):.1f} s for the boot READY, then sent HELLO {hellos} times)",
                           Category.NO_READY)


def wrap_device(profile: BoardProfile, client: Client, ready: Ready, cpu_hz: int | None) -> tuple[Device, Clock]:
    """Checks the protocol version and builds the Device and its Clock. On silicon the firmware
    knows the clock it configured, so its READY cpu_hz wins over the profile's (not over --cpu-hz)."""
    if ready.version != PROTOCOL_VERSION:
        raise HilError(f"{profile.name}: firmware speaks protocol version {ready.version}, this harness "
                       f"speaks {PROTOCOL_VERSION}: rebuild the firmware from this checkout", Category.PROTOCOL)
    if not cpu_hz:
        cpu_hz = ready.cpu_hz if not profile.emulated and ready.cpu_hz else profile.cpu_hz
    clock = Clock.from_ready(ready, emulated=profile.emulated, cpu_hz=cpu_hz,
                             instructions_per_tick=profile.setting("instructions_per_tick"))
    return Device(client, ready, TimeoutPolicy()), clock
