"""One labgrid place for one harness: which places match, reserving and waiting, acquiring,
turning the place's resources into a UART and a flashing path, and releasing it again.

The coordinator's reservations do the queueing: a harness files a reservation for a filter
(`name=PLACE` for --lg-place, the tags of --lg-tags), polls it until the coordinator allocates a
place (polling also keeps the reservation alive), acquires that place and cancels the
reservation when it releases it. xdist workers each file their own reservation, so each gets a
different place; with fewer places than workers, the others wait in the coordinator's queue.

Resources a place should hold (docs/farm.md):
- NetworkSerialPort (host, port, speed, protocol raw or rfc2217): the board's UART; ser2net
  exports a USB serial port as one, an emulator's TCP UART is one as it is;
- GDBServer (host, port, reset): a GDB remote server to flash through (OpenOCD, pyOCD
  gdbserver, J-Link GDB server, QEMU's gdbstub); `reset` is the command run before `load`
  ("monitor reset halt" for OpenOCD/pyOCD, "monitor system_reset" for QEMU, "" for none).
Tags: `hil_board` names the board profile (`hil boards`); `flasher=none` marks a board that
already runs the firmware.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from hil.boards.flashers import Flasher, GdbFlasher, NoFlasher
from hil.errors import Category, ConfigError, HilError
from hil.farm.coordinator import Coordinator, FarmError, PlaceInfo, Resource, connect
from hil.farm.watchdog import ReleaseWatchdog
from hil.harness.progress import duration_text

BOARD_TAG = "hil_board"
SERIAL_CLASS = "NetworkSerialPort"
GDB_CLASS = "GDBServer"


@dataclass(frozen=True)
class PlaceRequest:
    """What the user asked for: a place by name, or any place with these tags."""

    coordinator: str
    name: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    timeout: float = 600.0  # how long to wait for a matching place

    def filter(self) -> dict[str, str]:
        return {"name": self.name} if self.name else dict(self.tags)

    def describe(self) -> str:
        if self.name:
            return f"place {self.name}"
        return "a place tagged " + " ".join(f"{k}={v}" for k, v in self.tags)

    def matching(self, places: dict[str, PlaceInfo]) -> list[PlaceInfo]:
        wanted = self.filter()
        return [p for p in places.values()
                if all((p.name if key == "name" else p.tags.get(key)) == value for key, value in wanted.items())]


def parse_tags(pairs: list[str]) -> tuple[tuple[str, str], ...]:
    tags = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key or not value:
            raise ConfigError(f"--lg-tags {pair!r}: write KEY=VALUE, e.g. --lg-tags {BOARD_TAG}=qemu-m7")
        tags.append((key.strip(), value.strip()))
    return tuple(tags)


def matching_places(coordinator: Coordinator, request: PlaceRequest) -> list[PlaceInfo]:
    """The places the request can be served by, or a one-line error naming what exists."""
    places = coordinator.places()
    found = request.matching(places)
    if not found:
        known = ", ".join(f"{p.name} ({' '.join(f'{k}={v}' for k, v in sorted(p.tags.items())) or 'no tags'})"
                          for p in sorted(places.values(), key=lambda p: p.name)) or "none"
        raise ConfigError(f"no labgrid place matches {request.describe()} at {request.coordinator}; places: {known}")
    return found


def board_of(places: list[PlaceInfo], request: PlaceRequest) -> str:
    """The board profile the matching places name in their hil_board tag (one for all of them)."""
    boards = {p.tags.get(BOARD_TAG) for p in places}
    if None in boards:
        untagged = ", ".join(p.name for p in places if BOARD_TAG not in p.tags)
        raise ConfigError(f"labgrid place(s) {untagged} have no {BOARD_TAG} tag: tag them "
                          f"(labgrid-client -p NAME set-tags {BOARD_TAG}=qemu-m7) or pass --board-profile")
    if len(boards) > 1:
        names = ", ".join(sorted(boards))
        raise ConfigError(f"the places matching {request.describe()} are different boards ({names}): narrow "
                          f"--lg-tags (e.g. {BOARD_TAG}=...) or pass --board-profile")
    return boards.pop()


@dataclass
class PlaceAccess:
    """How to reach an acquired place's board."""

    serial: Resource
    flasher: Flasher

    @property
    def serial_url(self) -> str:
        params = self.serial.params
        scheme = "socket" if params.get("protocol", "rfc2217") == "raw" else "rfc2217"
        return f"{scheme}://{params['host']}:{params['port']}"


def access_of(place: str, resources: list[Resource], tags: dict[str, str]) -> PlaceAccess:
    serial = [r for r in resources if r.cls == SERIAL_CLASS]
    if not serial:
        classes = ", ".join(sorted({r.cls for r in resources})) or "no resources"
        raise ConfigError(f"labgrid place {place} has no {SERIAL_CLASS} (it has {classes}): add the board's UART "
                          f"to the place (docs/farm.md)")
    gdb = [r for r in resources if r.cls == GDB_CLASS]
    if gdb:
        params = gdb[0].params
        reset = str(params.get("reset", "monitor reset halt"))
        flasher: Flasher = GdbFlasher(remote=f"{params['host']}:{params['port']}", before_load=[reset] if reset else [],
                                      target_kind=str(params.get("target", "extended-remote")))
    elif tags.get("flasher") == "none":
        flasher = NoFlasher()
    else:
        raise ConfigError(f"labgrid place {place} has no {GDB_CLASS} to flash through: add one (OpenOCD, pyOCD "
                          f"gdbserver or QEMU -gdb; docs/farm.md) or tag the place flasher=none")
    return PlaceAccess(serial[0], flasher)


class HeldPlace:
    """A place this harness reserved and acquired; release() is safe to call any number of times."""

    def __init__(self, coordinator: Coordinator, request: PlaceRequest,
                 progress: Callable[[str], None] | None = None, poll_s: float = 0.5, every_s: float = 10.0):
        self.coordinator = coordinator
        self.request = request
        self.name: str | None = None
        self.token: str | None = None
        self.info: PlaceInfo | None = None
        self._watchdog: ReleaseWatchdog | None = None  # releases the place if this process dies holding it
        self._progress = progress or (lambda _: None)
        self._poll_s, self._every_s = poll_s, every_s

    def acquire(self) -> PlaceInfo:
        matching_places(self.coordinator, self.request)  # a request nothing can serve fails at once
        self.token = self.coordinator.reserve(self.request.filter())
        try:
            self.name = self._wait()
            self.coordinator.acquire(self.name)
            self._watchdog = ReleaseWatchdog(self.coordinator.address, self.name, self.coordinator.identity,
                                             self.token)
        except BaseException:
            self.release()
            raise
        self.info = self.coordinator.places()[self.name]
        return self.info

    def _wait(self) -> str:
        started = time.monotonic()
        said = None
        while True:
            state, place = self.coordinator.poll(self.token)
            waited = time.monotonic() - started
            if state == "allocated" and place:
                if said is not None:
                    self._progress(f"labgrid: got place {place} after {duration_text(waited)}")
                return place
            if state not in ("waiting", "allocated"):
                raise FarmError(f"labgrid reservation {self.token} for {self.request.describe()} became {state}")
            if waited > self.request.timeout:
                raise FarmError(f"no labgrid place for {self.request.describe()} within "
                                f"{duration_text(self.request.timeout)}: {self._busy_text()} (raise --lg-timeout, "
                                f"or `labgrid-client who` shows who holds them)")
            if said is None or time.monotonic() - said >= self._every_s:
                self._progress(f"labgrid: waiting for {self.request.describe()}: {self._busy_text()}; "
                               f"waited {duration_text(waited)} of {duration_text(self.request.timeout)}")
                said = time.monotonic()
            time.sleep(self._poll_s)

    def _busy_text(self) -> str:
        places = self.request.matching(self.coordinator.places())
        held = [f"{p.name} held by {p.acquired}" if p.acquired else f"{p.name} being handed over" for p in places]
        return f"{len(places)} matching, busy: " + (", ".join(held) or "none")

    def resources(self) -> list[Resource]:
        return self.coordinator.resources(self.info.resources if self.info else ())

    def access(self) -> PlaceAccess:
        return access_of(self.name, self.resources(), self.info.tags)

    def lost(self) -> str | None:
        """Why the place can no longer be trusted (its exporter or the coordinator went away), or None."""
        if not self.coordinator.connected:
            return f"the connection to the labgrid coordinator {self.coordinator.address} was lost"
        gone = [r for r in self.resources() if not r.avail or not r.params]
        if gone:
            exporters = ", ".join(sorted({r.path[0] for r in gone}))
            return f"labgrid place {self.name}: its exporter {exporters} went away ({len(gone)} resource(s) gone)"
        return None

    def release(self) -> None:
        name, token = self.name, self.token
        self.name = self.token = None
        if self._watchdog is not None:
            self._watchdog.stop()
            self._watchdog = None
        errors: list[HilError] = []
        # The reservation goes first: released while still allocated to it, the place would wait
        # for its cancellation before the coordinator gave it to the next reservation in line.
        for action, arg in ((self.coordinator.cancel, token), (self.coordinator.release, name)):
            if arg is None:
                continue
            try:
                action(arg)
            except HilError as exc:
                errors.append(exc)
        if errors and name is not None and self.coordinator.connected and self._still_ours(name):
            raise FarmError(f"could not release labgrid place {name}: {errors[0]}", Category.PLACE_LOST)

    def _still_ours(self, name: str) -> bool:
        try:
            place = self.coordinator.places().get(name)
        except HilError:
            return False
        return place is not None and place.acquired == self.coordinator.identity


def resolve_profile(request: PlaceRequest, explicit: str | None = None):
    """The board profile of --board=labgrid: --board-profile, else the hil_board tag the matching
    places carry (checked with the coordinator, nothing acquired)."""
    from hil.boards.profile import find_profile

    if explicit:
        return find_profile(explicit)
    coordinator = connect(request.coordinator)
    try:
        return find_profile(board_of(matching_places(coordinator, request), request))
    finally:
        coordinator.close()


def places_from_env(path: str) -> tuple[list[str], str | None]:
    """The RemotePlace names of a labgrid environment file's targets ("main" first) and its
    coordinator_address option (labgrid's own loader: !template $LG_* works as in labgrid)."""
    from labgrid.config import Config
    from labgrid.exceptions import InvalidConfigError, NoConfigFoundError

    try:
        config = Config(path)
    except (InvalidConfigError, NoConfigFoundError) as exc:
        raise ConfigError(f"--lg-env {path}: {exc}") from None
    targets = config.get_targets() or {}
    names = []
    for target in sorted(targets, key=lambda t: t != "main"):
        resources = (targets[target] or {}).get("resources") or {}
        for entry in resources if isinstance(resources, list) else [resources]:
            remote = (entry or {}).get("RemotePlace")
            if isinstance(remote, dict) and remote.get("name"):
                names.append(str(remote["name"]))
    if not names:
        raise ConfigError(f"--lg-env {path}: no target has a RemotePlace resource with a name "
                          f"(targets: {', '.join(targets) or 'none'})")
    return names, config.get_option("coordinator_address", None)


def place_request(*, place: str | None, tags: list[str], coordinator: str | None, env_file: str | None,
                  timeout: float) -> PlaceRequest:
    """What --lg-place / --lg-tags / --lg-env / --lg-coordinator ask for (pytest and `hil` alike):
    an explicit place or tags win over the environment file's place; --lg-coordinator over its
    coordinator_address, which wins over $LG_COORDINATOR."""
    from hil.farm.coordinator import coordinator_address

    wanted = parse_tags(tags)
    if env_file and not place and not wanted:
        names, env_coordinator = places_from_env(env_file)
        place, coordinator = names[0], coordinator or env_coordinator
    if not place and not wanted:
        raise ConfigError("--board=labgrid needs a place: --lg-place NAME (or $LG_PLACE), --lg-tags KEY=VALUE "
                          "or --lg-env FILE")
    return PlaceRequest(coordinator_address(coordinator), name=place, tags=wanted, timeout=timeout)
