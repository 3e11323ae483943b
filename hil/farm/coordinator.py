"""A labgrid coordinator connection usable from synchronous code.

labgrid's ClientSession is asyncio: its message pump must keep running while the harness does
blocking work (flashing, streaming vectors), so it gets an event loop in a thread of its own and
every call here is a coroutine run on that loop. The pump keeps `session.places` and
`session.resources` current, which is how a vanished exporter is noticed (`lost_resources`).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from hil.errors import Category, ConfigError, HilError

ENV_COORDINATOR = "LG_COORDINATOR"  # labgrid's own variable: HOST[:PORT] of the coordinator
DEFAULT_PORT = 20408


_SESSIONS: dict[str, Coordinator] = {}


class FarmError(HilError):
    category = Category.PLACE_UNAVAILABLE


@dataclass(frozen=True)
class PlaceInfo:
    name: str
    tags: dict[str, str]
    acquired: str | None  # "host/user" of the holder
    reservation: str | None
    comment: str = ""
    resources: tuple[tuple[str, str, str, str], ...] = ()  # acquired: (exporter, group, class, name)


@dataclass(frozen=True)
class Resource:
    path: tuple[str, str, str, str]  # exporter, group, class, name
    params: dict[str, Any] = field(default_factory=dict)
    avail: bool = True

    @property
    def cls(self) -> str:
        return self.path[2]


def coordinator_address(explicit: str | None = None) -> str:
    """--lg-coordinator, else $LG_COORDINATOR, else labgrid's default 127.0.0.1:20408."""
    address = explicit or os.environ.get(ENV_COORDINATOR) or f"127.0.0.1:{DEFAULT_PORT}"
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or "]" in port:
        return f"{address}:{DEFAULT_PORT}"
    return address


def connect(address: str) -> Coordinator:
    """The process's session with the coordinator at `address`, shared: gRPC's asyncio support
    takes one event loop per process, so a second concurrent session would not connect. Each
    connect() needs its close()."""
    current = _SESSIONS.get(address)
    if current is None or not current.connected:
        current = _SESSIONS[address] = Coordinator(address)
    current.users += 1
    return current


def identity_user() -> str:
    """The user name this process shows the coordinator: the login ($LG_USERNAME) plus the
    process id, so each xdist worker holds its places in its own name."""
    import getpass

    return f"{os.environ.get('LG_USERNAME') or getpass.getuser()}.{os.getpid()}"


class Coordinator:
    """One client session with a coordinator (use connect())."""

    def __init__(self, address: str, *, timeout: float = 10.0):
        check_labgrid()
        self.address = address
        self.users = 0
        self._user = identity_user()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="labgrid-client", daemon=True)
        self._thread.start()
        self._session = None
        try:
            self._session = self._run(self._open(), timeout)
        except BaseException:
            self._stop_loop()
            raise

    # ---- plumbing ----

    def _run(self, coro: Coroutine, timeout: float | None = 30.0):
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise FarmError(f"the labgrid coordinator at {self.address} did not answer within {timeout:.0f} s",
                            Category.PLACE_LOST) from None

    async def _open(self):
        from labgrid.remote.client import ClientSession, ServerError

        user = self._user

        class Session(ClientSession):
            def getuser(self) -> str:  # one identity per harness process (xdist workers share a login)
                return user

        session = Session(self.address, self._loop)
        try:
            await session.start()
        except ServerError:
            await session.close()
            raise FarmError(f"cannot reach the labgrid coordinator at {self.address}: start it "
                            f"(labgrid-coordinator -l HOST:PORT) or pass --lg-coordinator / set {ENV_COORDINATOR}",
                            Category.CONFIG) from None
        return session

    async def _rpc(self, name: str, request) -> Any:
        import grpc

        try:
            response = await getattr(self._session.stub, name)(request)
        except grpc.aio.AioRpcError as exc:
            category = Category.PLACE_LOST if exc.code() == grpc.StatusCode.UNAVAILABLE else Category.PLACE_UNAVAILABLE
            raise FarmError(f"labgrid coordinator {self.address}: {name} failed: {exc.details()}", category) from None
        await self._session.sync_with_coordinator()
        return response

    def _request(self, rpc: str, **fields) -> Any:
        from labgrid.remote.generated import labgrid_coordinator_pb2 as pb

        return self._run(self._rpc(rpc, getattr(pb, f"{rpc}Request")(**fields)))

    @property
    def connected(self) -> bool:
        return self._session is not None and not self._session.stopping.is_set()

    @property
    def identity(self) -> str:
        """The "host/user" the coordinator records as a place's holder for this session."""
        return f"{self._session.gethostname()}/{self._session.getuser()}"

    # ---- what the coordinator knows ----

    def places(self) -> dict[str, PlaceInfo]:
        async def snapshot() -> dict[str, PlaceInfo]:
            return {name: PlaceInfo(name, dict(p.tags), p.acquired, p.reservation, p.comment,
                                    tuple(tuple(r) for r in p.acquired_resources))
                    for name, p in self._session.places.items()}

        return self._run(snapshot())

    def resources(self, paths: tuple[tuple[str, str, str, str], ...]) -> list[Resource]:
        """The current state of these resources (an exporter that went away has none left)."""
        async def lookup() -> list[Resource]:
            found = []
            for path in paths:
                exporter, group, _, name = path
                entry = self._session.resources.get(exporter, {}).get(group, {}).get(name)
                data = entry.data if entry is not None else {}
                found.append(Resource(path, dict(data.get("params", {})), bool(data.get("avail", False))))
            return found

        return self._run(lookup())

    # ---- places and reservations ----

    def reserve(self, tags: dict[str, str]) -> str:
        from labgrid.remote.generated import labgrid_coordinator_pb2 as pb

        response = self._request("CreateReservation", filters={"main": pb.Reservation.Filter(filter=tags)})
        return response.reservation.token

    def poll(self, token: str) -> tuple[str, str | None]:
        """(state name, allocated place or None); polling also keeps a waiting reservation alive."""
        from labgrid.remote.common import Reservation

        reservation = Reservation.from_pb2(self._request("PollReservation", token=token).reservation)
        places = reservation.allocations.get("main") or [None]
        return reservation.state.name, places[0]

    def cancel(self, token: str) -> None:
        self._request("CancelReservation", token=token)

    def acquire(self, place: str) -> None:
        self._request("AcquirePlace", placename=place)

    def release(self, place: str) -> None:
        self._request("ReleasePlace", placename=place)

    def add_place(self, name: str, matches: list[str], tags: dict[str, str], comment: str = "") -> None:
        """Creates a place (what `labgrid-client -p NAME create; add-match; set-tags` does)."""
        self._request("AddPlace", name=name)
        for pattern in matches:
            self._request("AddPlaceMatch", placename=name, pattern=pattern)
        if tags:
            self._request("SetPlaceTags", placename=name, tags=tags)
        if comment:
            self._request("SetPlaceComment", placename=name, comment=comment)

    # ---- the end ----

    def close(self) -> None:
        """Ends this user's share; the session closes with its last user."""
        self.users -= 1
        if self.users > 0:
            return
        if _SESSIONS.get(self.address) is self:
            del _SESSIONS[self.address]
        if self._session is not None:
            session, self._session = self._session, None
            try:
                self._run(self._close(session), 10.0)
            except (HilError, RuntimeError):
                pass
        self._stop_loop()

    @staticmethod
    async def _close(session) -> None:
        await session.stop()
        await session.close()

    def _stop_loop(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5.0)
        if not self._loop.is_running():
            self._loop.close()


def check_labgrid() -> None:
    try:
        import labgrid.remote.client  # noqa: F401
    except ImportError:
        raise ConfigError("--board=labgrid needs labgrid: run ./setup.sh (or pip install labgrid)") from None
