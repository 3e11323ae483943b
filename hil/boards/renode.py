"""Renode backend: one headless Renode per firmware image, the board's UART on a pty.

Renode is found at --renode-path (the executable or its directory), on PATH, or where
`renode-run download` put it (~/.config/renode, read from renode-run.json). The harness writes
a .resc (machine, platform, LoadELF, a UART terminal, start) and runs

    renode --disable-xwt --console --plain <script.resc>

with the monitor on Renode's stdin (no monitor port: Renode's -P monitor port, like its socket
terminals, listens on every network interface). The UART goes to a pty
(`emulation CreateUartPtyTerminal`) that pyserial opens; where the OS has no ptys (Windows) a
socket terminal on a random port is used instead, reached on 127.0.0.1. Renode's output is
watched while the firmware comes up (hil/boards/renode_output.py: a failed monitor command
stops the start, `[ERROR]` log lines Renode carries on after become warnings). Once READY has
arrived, CALIBRATE measures instructions per counter tick on the target (hil/boards/calibration.py):
Renode's stock STM32F4 runs 100 MIPS of virtual time with SysTick at 72 MHz. Teardown sends
`quit` to the monitor, waits for Renode to exit (killing it after a grace period) and only then
closes the UART: a pty closed under a running Renode makes mono print a fatal error on exit.

Profile settings ([renode] table): platform (a .repl path, @-relative to Renode's directory or
absolute), uart (the sysbus peripheral, e.g. sysbus.usart2), machine (name), extra_commands
(monitor commands run before `start`), ready_timeout, listen_s, instructions_per_tick.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from hil.boards.base import Session, connect_device
from hil.boards.calibration import calibrated_clock
from hil.boards.process import kill_process_group, remove_scratch, spawn
from hil.boards.profile import BoardProfile
from hil.boards.renode_output import RenodeOutput, step_command
from hil.errors import Category, ConfigError, HilError
from hil.link.transport import SerialTransport, TcpTransport, Transport

INSTALL_HINT = ("install Renode: the portable Linux package from https://builds.renode.io "
                "(put `renode` on PATH or pass --renode-path), or `pip install "
                "git+https://github.com/antmicro/renode-run` then `renode-run download`")
RENODE_RUN_DIR = Path.home() / ".config" / "renode"
TERMINAL = "hilterm"
QUIT_GRACE_S = 5.0


def renode_run_installs(base: Path | None = None) -> list[Path]:
    """Renode executables that `renode-run download` recorded (default install first)."""
    base = base or RENODE_RUN_DIR
    found: list[Path] = []
    config = base / "renode-run.json"
    try:
        data = json.loads(config.read_text())
    except (OSError, ValueError):
        data = {}
    dirs = list((data.get("default") or {}).values()) + list((data.get("installations") or {}).keys())
    for d in dirs:
        exe = Path(d) / "renode"
        if exe.is_file() and exe not in found:
            found.append(exe)
    # Older renode-run versions kept no config: look in their download directory.
    for exe in sorted(base.glob("renode-run.download/**/renode"), reverse=True):
        if exe.is_file() and exe not in found:
            found.append(exe)
    return found


def find_renode(explicit: str | None = None) -> str:
    """--renode-path, else PATH, else a renode-run download; ConfigError (how to install) if none."""
    if explicit:
        path = Path(explicit).expanduser()
        if path.is_dir():
            path = path / "renode"
        if not path.is_file():
            raise ConfigError(f"--renode-path {explicit}: no renode executable there; {INSTALL_HINT}")
        return str(path)
    on_path = shutil.which("renode")
    if on_path:
        return on_path
    installs = renode_run_installs()
    if installs:
        return str(installs[0])
    raise ConfigError(f"Renode is not installed here (not on PATH, no --renode-path, nothing from renode-run in "
                      f"{RENODE_RUN_DIR}): {INSTALL_HINT}")


def use_pty() -> bool:
    return os.name == "posix"


def resc_text(profile: BoardProfile, elf: Path, *, pty: Path | None = None, socket_port: int | None = None) -> str:
    """The Renode script that creates the machine, loads the ELF, attaches the UART and starts."""
    if (pty is None) == (socket_port is None):
        raise ValueError("exactly one of pty and socket_port")
    platform = profile.setting("platform")
    if not platform:
        raise ConfigError(f"board profile '{profile.name}' has no [renode] platform (.repl)")
    uart = profile.setting("uart", "sysbus.usart2")
    lines = [f"# written by tinyml-hil for board '{profile.name}'",
             f'mach create "{profile.setting("machine", "hil")}"', step_command("machine created"),
             f"machine LoadPlatformDescription {_path_arg(platform)}", step_command("platform loaded"),
             f"sysbus LoadELF {_path_arg(str(elf))}", step_command("ELF loaded")]
    if pty is not None:
        lines.append(f'emulation CreateUartPtyTerminal "{TERMINAL}" "{pty}" true')
    else:
        # Renode's socket terminals listen on every interface; the port is random and short-lived.
        lines.append(f'emulation CreateServerSocketTerminal {socket_port} "{TERMINAL}" false')
    lines += [f"connector Connect {uart} {TERMINAL}", step_command("UART connected")]
    lines += list(profile.setting("extra_commands", []))
    lines += ["start", step_command("started")]
    return "\n".join(lines) + "\n"


def _path_arg(path: str) -> str:
    """Renode's file argument: @path (relative paths resolve against Renode's directory)."""
    if any(c.isspace() for c in path):
        raise ConfigError(f"Renode cannot take a path with spaces in a script: {path}")
    return f"@{path}"


def renode_command(renode: str, script: Path) -> list[str]:
    """Headless, monitor on stdin (no network port), no colour codes in the output we parse."""
    return [renode, "--disable-xwt", "--console", "--plain", str(script)]


class RenodeBackend:
    max_sessions = 2  # each Renode is a .NET process of a few hundred MB

    def __init__(self, profile: BoardProfile, *, renode_path: str | None = None, cpu_hz: int | None = None,
                 **_: object):
        self.profile = profile
        self.renode_path = renode_path
        self.cpu_hz = cpu_hz
        self.ready_timeout = float(profile.setting("ready_timeout", 60.0))
        self.listen_s = float(profile.setting("listen_s", 5.0))  # then HELLO, if the boot READY was missed

    def find_renode(self) -> str:
        try:
            return find_renode(self.renode_path)
        except ConfigError as exc:
            raise ConfigError(f"board '{self.profile.name}' needs Renode: {exc}") from None

    def check_tools(self) -> None:
        self.find_renode()

    check_installed = check_tools

    def start(self, elf: Path) -> Session:
        renode = self.find_renode()
        workdir = Path(tempfile.mkdtemp(prefix="hil-renode-"))
        image = workdir / "firmware.elf"  # a path without spaces, whatever the cache path is
        shutil.copyfile(elf, image)
        pty = workdir / "uart" if use_pty() else None
        port = None if pty else _free_port()
        script = workdir / "board.resc"
        script.write_text(resc_text(self.profile, image, pty=pty, socket_port=port))
        proc, log = spawn(renode_command(renode, script), "renode", stdin_pipe=True, cwd=Path(renode).parent,
                          scratch=(workdir,))
        deadline = time.monotonic() + self.ready_timeout
        transport: Transport | None = None
        try:
            transport = self._connect(proc, log, pty, port, deadline)
            device, clock = connect_device(self.profile, transport, max(1.0, deadline - time.monotonic()),
                                           self.cpu_hz, hello_after=self.listen_s)
            clock, calibration_note = calibrated_clock(self.profile.name, device, clock)
        except HilError as exc:
            output = RenodeOutput.read(log)  # read before `quit`: what follows is shutdown noise
            stop_renode(proc, transport)
            remove_scratch(log, workdir)
            raise HilError(f"{self.profile.name}: {exc} ({output.describe()})", exc.category) from None
        except BaseException:  # Ctrl-C or SIGTERM while Renode comes up: leave nothing behind
            kill_process_group(proc)
            if transport is not None:
                transport.close()
            remove_scratch(log, workdir)
            raise
        warnings = [w for w in (RenodeOutput.read(log).warning(), calibration_note) if w]
        return RenodeSession(self.profile, device, clock, transport, proc, log, workdir=workdir, warnings=warnings)

    def _connect(self, proc: subprocess.Popen, log: Path, pty: Path | None, port: int | None,
                 deadline: float) -> Transport:
        """Waits for the UART terminal while watching Renode for a failed command and for its exit.
        Renode's [ERROR] log lines do not stop it (they become warnings once READY is in)."""
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise HilError(f"Renode exited with code {proc.returncode} before the UART was up",
                               Category.EMULATOR_EXITED)
            fatal = RenodeOutput.read(log).fatal()
            if fatal:
                raise HilError("Renode reported an error while starting", Category.EMULATOR_EXITED)
            if pty is not None and pty.exists():
                return SerialTransport(str(pty))
            if port is not None:
                try:
                    return TcpTransport.connect("127.0.0.1", port, time.monotonic() + 0.5)
                except HilError:
                    pass
            time.sleep(0.1)
        raise HilError(f"Renode did not create the UART terminal within {self.ready_timeout:.0f} s",
                       Category.NO_READY)


def stop_renode(proc: subprocess.Popen, transport: Transport | None = None, grace: float = QUIT_GRACE_S) -> None:
    """`quit` on the monitor, the process group killed if Renode is still there after `grace`,
    then the UART closed (closed first, Renode's pty reader fails while it quits: mono prints
    a fatal error and exits with 1)."""
    if proc.poll() is None and proc.stdin is not None:
        try:
            proc.stdin.write(b"quit\n")
            proc.stdin.flush()
            proc.stdin.close()
            proc.wait(timeout=grace)
        except (OSError, subprocess.TimeoutExpired):
            pass
    kill_process_group(proc)
    if transport is not None:
        transport.close()


class RenodeSession(Session):
    def stop(self) -> None:
        if self.process is not None:
            stop_renode(self.process, self.transport)
        else:
            self.transport.close()
        remove_scratch(self.log_path, self.workdir)

    def output_tail(self) -> str:
        return RenodeOutput.read(self.log_path).tail()


def _free_port() -> int:
    from hil.boards.qemu import free_port

    return free_port()
