"""labgrid backend: a board in a labgrid farm, reached through a place the harness reserves
and acquires from the coordinator (hil/farm/place.py).

    pytest --board=labgrid --lg-place NAME           # one place by name ($LG_PLACE)
    pytest --board=labgrid --lg-tags hil_board=qemu-m7 -n 2   # any free place with these tags

The place is acquired when the first test needs the board (so an xdist worker holds one only
while it has tests to run) and released when the harness closes: at the end of the session,
on a failure, Ctrl-C or SIGTERM (the plugin turns SIGTERM into an interrupt), and at exit.
While a place is in use the harness checks, between reads of the UART, that its exporter and
the coordinator are still there; a test running when either goes away fails as place-lost and
the place is released at once.
"""

from __future__ import annotations

import atexit
import os
import time
from collections.abc import Callable
from pathlib import Path

from hil.boards.base import Session, connect_device
from hil.boards.profile import BoardProfile
from hil.boards.serial import elf_model_sha256
from hil.errors import Category, ConfigError, HilError, TransportTimeout
from hil.farm.coordinator import Coordinator, connect
from hil.farm.place import HeldPlace, PlaceAccess, PlaceRequest, matching_places
from hil.link.transport import SerialTransport, TcpTransport, Transport


class PlaceLost(HilError):
    category = Category.PLACE_LOST


class LabgridBackend:
    max_sessions = 1  # one place, one board

    def __init__(self, profile: BoardProfile, *, request: PlaceRequest, cpu_hz: int | None = None,
                 progress: Callable[[str], None] | None = None, **_: object):
        self.profile = profile
        self.request = request
        self.cpu_hz = cpu_hz
        self.progress = progress or (lambda _: None)
        self.listen_s = float(profile.setting("listen_s", 2.0))
        self.ready_timeout = float(profile.setting("ready_timeout", 20.0))
        self._coordinator: Coordinator | None = None
        self._held: HeldPlace | None = None
        self._lost: str | None = None
        self._place_name: str | None = None
        self._pid = os.getpid()
        atexit.register(self.close)

    # ---- the coordinator and the place ----

    def coordinator(self) -> Coordinator:
        if self._coordinator is None:
            self._coordinator = connect(self.request.coordinator)
        return self._coordinator

    def check_tools(self) -> None:
        matching_places(self.coordinator(), self.request)

    @property
    def place(self) -> str | None:
        """The place this harness holds, or held last (results name it even after a loss)."""
        return self._place_name

    def _place(self) -> HeldPlace:
        if self._lost:
            raise PlaceLost(f"not retried: {self._lost}")
        if self._held is None or self._held.name is None:
            held = HeldPlace(self.coordinator(), self.request, progress=self.progress)
            started = time.monotonic()
            held.acquire()
            self._held, self._place_name = held, held.name
            self.progress(f"labgrid: acquired place {held.name} ({held.info.tags.get('hil_board', '?')}) "
                          f"in {time.monotonic() - started:.1f} s")
        return self._held

    def lost(self) -> str | None:
        """Why the place is gone (sticky), checking with the coordinator; releases it when so."""
        if self._lost is None and self._held is not None and self._held.name is not None:
            reason = self._held.lost()
            if reason:
                self._lost = reason
                self._release_quietly()
        return self._lost

    # ---- a session ----

    def start(self, elf: Path) -> Session:
        held = self._place()
        access = held.access()
        transport = open_uart(access)
        try:
            drain(transport)
            access.flasher.flash(elf)
            guarded = PlaceGuard(transport, self.lost)
            try:
                device, clock = connect_device(self.profile, guarded, self.ready_timeout, self.cpu_hz,
                                               hello_after=self.listen_s)
            except TransportTimeout as exc:
                raise HilError(f"labgrid place {held.name} ({access.serial_url}) never answered after flashing "
                               f"through {access.flasher.name}: {exc}", Category.NO_READY) from None
            check_image(elf, device.ready.model_sha256, held.name)
        except HilError as exc:
            transport.close()
            reason = self.lost()
            if reason and exc.category is not Category.PLACE_LOST:
                raise PlaceLost(f"{reason} while: {exc}") from None
            raise
        except BaseException:
            transport.close()
            raise
        return Session(self.profile, device, clock, guarded, place=held.name)

    # ---- the end ----

    def _release_quietly(self) -> None:
        if self._held is not None:
            try:
                self._held.release()
            except HilError as exc:
                self.progress(f"labgrid: {exc}")

    def close(self) -> None:
        if os.getpid() != self._pid:  # a forked child inherited this object: the place is its parent's
            return
        self._release_quietly()
        self._held = None
        if self._coordinator is not None:
            self._coordinator.close()
            self._coordinator = None


class PlaceGuard:
    """A transport that asks, at most every `every_s` seconds of a read or write, whether the
    place is still there; a long read is cut into slices so a lost place is noticed quickly."""

    def __init__(self, inner: Transport, lost: Callable[[], str | None], every_s: float = 0.25):
        self.inner = inner
        self.name = inner.name
        self._lost = lost
        self._every_s = every_s
        self._checked = 0.0

    def _check(self) -> None:
        now = time.monotonic()
        if now - self._checked >= self._every_s:
            self._checked = now
            reason = self._lost()
            if reason:
                raise PlaceLost(reason)

    def write(self, data: bytes) -> None:
        self._check()
        self.inner.write(data)

    def read(self, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while True:
            self._check()
            remaining = deadline - time.monotonic()
            data = self.inner.read(max(0.0, min(remaining, self._every_s)))
            if data or remaining <= self._every_s:
                return data

    def close(self) -> None:
        self.inner.close()


def open_uart(access: PlaceAccess, timeout: float = 10.0) -> Transport:
    """A raw TCP port directly (TCP_NODELAY); an RFC 2217 port (ser2net's default) through pyserial."""
    params = access.serial.params
    if params.get("protocol", "rfc2217") == "raw":
        return TcpTransport.connect(str(params["host"]), int(params["port"]), time.monotonic() + timeout)
    return SerialTransport(access.serial_url, int(params.get("speed", 115200)))


def drain(transport: Transport, quiet_s: float = 0.05, limit_s: float = 1.0) -> None:
    """Drops what the board sent before this session (the previous firmware's last words)."""
    end = time.monotonic() + limit_s
    while time.monotonic() < end and transport.read(quiet_s):
        pass


def check_image(elf: Path, running_sha: str, place: str) -> None:
    wanted = elf_model_sha256(elf)
    if wanted and running_sha != wanted:
        raise ConfigError(f"labgrid place {place} runs firmware for model {running_sha[:12]}, not {wanted[:12]} "
                          f"({elf.name}): the flash did not take effect; check the place's GDBServer")

