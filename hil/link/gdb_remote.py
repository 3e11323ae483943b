"""A client of the GDB Remote Serial Protocol for target memory access (QEMU's gdbstub, OpenOCD,
pyOCD gdbserver, ST-LINK gdbserver): connect, stop, read and write memory, continue.

Only what moving test vectors needs, written from the protocol's specification: packets
`$data#checksum`, `+`/`-` acknowledgements until QStartNoAckMode, 0x03 to interrupt, `?`, `m`,
hex `M` (QEMU 7.2 has no binary `X`), `c`. All-stop servers touch memory only while the
target is stopped, so every access is wrapped: interrupt, access, continue. The harness
stops the target only between requests, while the agent waits for the next one, never
inside a measured region.
"""

from __future__ import annotations

import socket
import time

from hil.errors import Category, HilError

INTERRUPT = b"\x03"
STOP_REPLIES = (b"T", b"S")  # a stop reply; W/X mean the target exited
DEFAULT_PACKET = 4096  # what QEMU 7.2 announces (PacketSize=1000 hex)


class GdbRemoteError(HilError):
    """The GDB server refused a connection, dropped it, or answered an access with an error."""

    category = Category.PROTOCOL


def checksum(data: bytes) -> bytes:
    return b"%02x" % (sum(data) & 0xFF)


class GdbRemote:
    """One connection to a GDB server. `advice` ends every error line (what the user can do);
    `lost` is the category of a dropped connection (an emulator's server dies with it)."""

    def __init__(self, sock: socket.socket, remote: str, advice: str = "", timeout: float = 5.0,
                 lost: Category = Category.PROTOCOL, run_on_close: bool = True, pipeline: bool = False):
        self._sock = sock
        self.remote = remote
        self.advice = advice
        self.timeout = timeout
        self.lost = lost
        self.run_on_close = run_on_close
        self.pipeline = pipeline
        self._buf = bytearray()
        self._ack = True
        self.packet_size = DEFAULT_PACKET
        self.running = False  # what the harness last asked for; a stop is confirmed by a stop reply

    @classmethod
    def connect(cls, remote: str, *, advice: str = "", timeout: float = 5.0, lost: Category = Category.PROTOCOL,
                run_on_close: bool = True, pipeline: bool = False) -> GdbRemote:
        """Connects to HOST:PORT, learns the server's packet size and lets the target run on
        (attaching stops it). Raises GdbRemoteError naming the server and ending in `advice`."""
        host, _, port = remote.rpartition(":")
        try:
            sock = socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout)
        except (OSError, ValueError) as exc:
            raise GdbRemoteError(f"cannot connect to the GDB server {remote} ({exc}){advice}") from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        link = cls(sock, remote, advice, timeout, lost, run_on_close, pipeline)
        try:
            link._handshake()
        except BaseException:
            link.close()
            raise
        return link

    def _handshake(self) -> None:
        self._write(b"+")
        features = self.command(b"qSupported:swbreak+;hwbreak+").split(b";")
        for feature in features:
            if feature.startswith(b"PacketSize="):
                self.packet_size = int(feature.split(b"=")[1], 16)
        if b"QStartNoAckMode+" in features and self.command(b"QStartNoAckMode") == b"OK":
            self._ack = False
        self.command(b"?", stop_reply=True)  # attaching stops the target (QEMU, OpenOCD): learn it
        self.running = False
        self.resume()

    # ---- packets ----

    def _fail(self, what: str, exc: object, category: Category | None = None) -> GdbRemoteError:
        return GdbRemoteError(f"the GDB server {self.remote} {what} ({exc}){self.advice}", category)

    def _write(self, data: bytes) -> None:
        try:
            self._sock.sendall(data)
        except OSError as exc:
            raise self._fail("dropped the connection", exc, self.lost) from None

    def _fill(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise self._fail("did not answer", f"no reply within {self.timeout:.1f} s")
        self._sock.settimeout(remaining)
        try:
            data = self._sock.recv(1 << 16)
        except TimeoutError:
            raise self._fail("did not answer", f"no reply within {self.timeout:.1f} s") from None
        except OSError as exc:
            raise self._fail("dropped the connection", exc, self.lost) from None
        if not data:
            raise self._fail("dropped the connection", "closed by the other end", self.lost)
        self._buf += data

    def _read_packet(self, deadline: float) -> bytes:
        """The next packet's data; acknowledgement bytes between packets are skipped."""
        while True:
            start = self._buf.find(b"$")
            end = self._buf.find(b"#", start + 1) if start >= 0 else -1
            if start >= 0 and end >= 0 and len(self._buf) >= end + 3:
                data, check = bytes(self._buf[start + 1:end]), bytes(self._buf[end + 1:end + 3])
                del self._buf[:end + 3]
                if checksum(data) != check.lower():
                    if self._ack:
                        self._write(b"-")
                        continue
                    raise self._fail("sent a corrupted packet", f"checksum {check!r}")
                if self._ack:
                    self._write(b"+")
                return data
            self._fill(deadline)

    def _send_packet(self, data: bytes) -> None:
        self._write(b"$" + data + b"#" + checksum(data))

    def command(self, data: bytes, *, stop_reply: bool = False) -> bytes:
        """Sends one packet and returns its reply (a stop reply when `stop_reply`)."""
        self._send_packet(data)
        return self._reply(stop_reply)

    def _reply(self, stop_reply: bool) -> bytes:
        """The reply to the packet just sent. Waiting for a stop, console output ('O' packets) is
        skipped; waiting for anything else, stop replies are (a stop the harness did not ask for,
        e.g. the one QEMU announces when a client attaches)."""
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_packet(deadline)
            if reply[:1] in (b"W", b"X") and len(reply) <= 40:
                raise self._fail("reports that the target exited", reply.decode(errors="replace"), self.lost)
            if (reply[:1] in STOP_REPLIES) == stop_reply:
                return reply

    # ---- run control ----

    def halt(self) -> None:
        if self.running:
            self._write(INTERRUPT)
            self._reply(True)
            self.running = False

    def resume(self) -> None:
        if not self.running:
            self._send_packet(b"c")  # the reply comes when the target stops again
            self.running = True

    def _stopped_exchange(self, packets: list[bytes]) -> list[bytes]:
        """The replies to `packets`, sent with the target stopped, which runs on afterwards if it
        ran before. With `pipeline` (a server that reads ahead, as QEMU's does) the interrupt,
        every packet and the continue go out in one write: one round trip instead of one each."""
        was_running = self.running
        if not self.pipeline:
            self.halt()
            replies = [self.command(p) for p in packets]
        else:
            frames = [b"$" + p + b"#" + checksum(p) for p in packets]
            self._write((INTERRUPT if was_running else b"") + b"".join(frames))
            if was_running:
                self._reply(True)
            self.running = False
            replies = [self._reply(False) for _ in packets]
        if was_running:
            self.resume()
        return replies

    # ---- memory ----

    def read_blocks(self, blocks: list[tuple[int, int]]) -> list[bytes]:
        """Each (address, length) block, read with the target stopped."""
        step = max(16, (self.packet_size - 8) // 2)
        parts = [(a + o, min(step, n - o)) for a, n in blocks for o in range(0, n, step)]
        replies = self._stopped_exchange([b"m%x,%x" % part for part in parts])
        data = bytearray()
        for (address, n), reply in zip(parts, replies, strict=True):
            if reply.startswith(b"E") or len(reply) != 2 * n:
                raise self._fail(f"refused to read {n} bytes at 0x{address:08x}", reply[:40])
            data += bytes.fromhex(reply.decode())
        out, pos = [], 0
        for _, n in blocks:
            out.append(bytes(data[pos:pos + n]))
            pos += n
        return out

    def write_blocks(self, blocks: list[tuple[int, bytes]]) -> None:
        """Each (address, data) block written, in order, with the target stopped."""
        step = max(16, (self.packet_size - 32) // 2)
        parts = [(a + o, d[o:o + step]) for a, d in blocks for o in range(0, len(d), step)]
        replies = self._stopped_exchange([b"M%x,%x:" % (a, len(d)) + d.hex().encode() for a, d in parts])
        for (address, part), reply in zip(parts, replies, strict=True):
            if reply != b"OK":
                raise self._fail(f"refused to write {len(part)} bytes at 0x{address:08x}", reply[:40])

    def close(self) -> None:
        """Lets the target run on when `run_on_close` (a continue, not a detach: QEMU keeps a
        previous client's multiprocess mode, in which a plain `D` is refused), then closes the
        socket; GDB servers leave a running target running when their client goes."""
        try:
            if self.run_on_close:
                self.resume()
        except HilError:
            pass
        finally:
            try:
                self._sock.close()
            except OSError:
                pass
