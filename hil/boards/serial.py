"""Physical backend: a board on a serial port, flashed by pyOCD, through a GDB server, or not
at all (`--flasher none`: it already runs the firmware).

    pytest --board=stm32 --port /dev/ttyACM0 [--baud 115200] [--flasher pyocd|gdb|none]
           [--target stm32f446re] [--probe UID] [--gdb-remote host:port]

The port is opened before flashing, so the READY frame the firmware sends at boot is caught;
boot noise before it is discarded. If no READY arrives (the board booted before the port was
open, or `--flasher none`), the harness asks with HELLO. A port that does not exist or is busy
is reported by check_tools(), before pytest collects anything.

Vectors travel through the debug connection's memory access when there is one (--vectors-via
auto): the GDB server of --gdb-remote, else the pyOCD probe of --flasher pyocd; --vectors-via
uart keeps them on the serial port.

Profile settings ([serial] table): flasher (default when --flasher is not given), target, baud,
gdb_before_load (GDB commands run before `load`, default ["monitor reset halt"]), gdb_target
("extended-remote" or "remote"), listen_s (how long to wait for the boot READY before sending
HELLO), ready_timeout.
"""

from __future__ import annotations

from pathlib import Path

from hil.boards.base import Session, connect_device
from hil.boards.debug_link import attach_debug_path, check_vectors_via, elf_symbol
from hil.boards.flashers import Flasher, GdbFlasher, NoFlasher, PyocdFlasher
from hil.boards.profile import BoardProfile
from hil.errors import Category, ConfigError, HilError, TransportTimeout
from hil.link.gdb_remote import GdbRemote
from hil.link.mailbox import TargetMemory
from hil.link.transport import SerialTransport

FLASHERS = ("pyocd", "gdb", "none")
PORT_HINT = "`python -m serial.tools.list_ports` lists the serial ports"


def elf_model_sha256(elf: Path) -> str | None:
    """The model hash the firmware embeds (symbol hil_model_sha256), to check what the board runs."""
    from elftools.elf.elffile import ELFFile

    addr = elf_symbol(elf, "hil_model_sha256")
    if addr is None:
        return None
    with open(elf, "rb") as f:
        for segment in ELFFile(f).iter_segments():
            start = segment["p_vaddr"]
            if segment["p_type"] == "PT_LOAD" and start <= addr and addr + 32 <= start + segment["p_filesz"]:
                return segment.data()[addr - start:addr - start + 32].hex()
    return None


class SerialBackend:
    max_sessions = 1  # one board, one port: the harness stops a session before starting the next

    def __init__(self, profile: BoardProfile, *, port: str | None = None, baud: int | None = None,
                 flasher: str | None = None, target: str | None = None, probe: str | None = None,
                 gdb_remote: str | None = None, cpu_hz: int | None = None, vectors_via: str | None = None,
                 **_: object):
        self.profile = profile
        self.port = port
        self.baud = int(baud or profile.setting("baud", 115200))
        self.cpu_hz = cpu_hz
        self.flasher_name = flasher or profile.setting("flasher", "none")
        if self.flasher_name not in FLASHERS:
            raise ConfigError(f"board '{profile.name}': unknown flasher '{self.flasher_name}' ({', '.join(FLASHERS)})")
        self.gdb_remote = gdb_remote or profile.setting("gdb_remote")
        self.flasher = self._make_flasher(target or profile.setting("target"), probe, self.gdb_remote)
        self.vectors_via = check_vectors_via(vectors_via, profile.name,
                                             bool(self.gdb_remote) or isinstance(self.flasher, PyocdFlasher),
                                             "give its GDB server (--gdb-remote HOST:PORT) or flash with "
                                             "--flasher pyocd (the probe's memory access)")
        self.listen_s = float(profile.setting("listen_s", 2.0))
        self.ready_timeout = float(profile.setting("ready_timeout", 15.0))

    def _make_flasher(self, target: str | None, probe: str | None, gdb_remote: str | None) -> Flasher:
        if self.flasher_name == "pyocd":
            return PyocdFlasher(target=target, probe=probe, frequency=self.profile.setting("swd_hz"))
        if self.flasher_name == "gdb":
            return GdbFlasher(remote=gdb_remote or "",
                              before_load=list(self.profile.setting("gdb_before_load", ["monitor reset halt"])),
                              target_kind=self.profile.setting("gdb_target", "extended-remote"),
                              gdb=self.profile.setting("gdb"))
        return NoFlasher()

    # ---- checks, before any build or test collection ----

    def check_installed(self) -> None:
        """The host tools this board needs (pyserial, the profile's default flasher)."""
        try:
            import serial  # noqa: F401
        except ImportError:
            raise ConfigError("pyserial is missing: pip install pyserial") from None
        if isinstance(self.flasher, GdbFlasher):
            from hil.boards.flashers import find_gdb

            find_gdb(self.flasher.gdb)
        else:
            self.flasher.check()

    def check_tools(self) -> None:
        if not self.port:
            raise ConfigError(f"board '{self.profile.name}' is reached over a serial port: pass --port "
                              f"(e.g. /dev/ttyACM0 or COM3); {PORT_HINT}")
        SerialTransport(self.port, self.baud).close()  # does not exist / busy: one line naming the port
        self.flasher.check()

    # ---- a session ----

    def start(self, elf: Path) -> Session:
        self.check_tools()
        transport = SerialTransport(self.port, self.baud)
        try:
            transport.reset_input()  # bytes from before this run are not this firmware's
            self.flasher.flash(elf)
            try:
                device, clock = connect_device(self.profile, transport, self.ready_timeout, self.cpu_hz,
                                               hello_after=self.listen_s)
            except TransportTimeout as exc:
                raise HilError(self._silent_message(exc), Category.NO_READY) from None
            self._check_image(elf, device.ready.model_sha256)
        except BaseException:
            transport.close()
            raise
        session = Session(self.profile, device, clock, transport)
        try:
            attach_debug_path(session, elf, self.vectors_via, self._debug_connection)
        except BaseException:
            session.stop()
            raise
        return session

    def _debug_connection(self) -> TargetMemory:
        """The GDB server when one was given, else the pyOCD probe (validated in __init__)."""
        advice = " (--vectors-via uart keeps vectors on the serial port)"
        if self.gdb_remote:
            return GdbRemote.connect(self.gdb_remote, advice=advice)
        from hil.boards.pyocd_memory import PyocdMemory

        return PyocdMemory.open(self.flasher, advice)

    def _silent_message(self, exc: HilError) -> str:
        if isinstance(self.flasher, GdbFlasher):
            how = f"after flashing through GDB server {self.flasher.remote}"
        else:
            how = "after flashing with pyOCD" if self.flasher_name == "pyocd" else "(--flasher none)"
        return (f"{self.port} at {self.baud} baud never answered {how}: {exc}; check that the "
                f"port is the board's USART2 / virtual COM port, the baud rate (--baud) and that the board runs "
                f"this harness's firmware")

    def _check_image(self, elf: Path, running_sha: str) -> None:
        wanted = elf_model_sha256(elf)
        if wanted and running_sha != wanted:
            advice = ("flash it (--flasher pyocd or gdb)" if self.flasher_name == "none"
                      else "the flash did not take effect; check the probe/GDB server output")
            raise ConfigError(f"{self.port}: the board runs firmware for model {running_sha[:12]}, this test needs "
                              f"{wanted[:12]} ({elf.name}): {advice}")
