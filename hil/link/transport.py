"""Byte streams to a target: a TCP socket (emulators) or a serial port (boards, ptys).

Both read whatever has arrived, up to a deadline, in large chunks.
"""

from __future__ import annotations

import socket
import time
from typing import Protocol

from hil.errors import Category, ConfigError, TransportClosed

READ_CHUNK = 1 << 16


class Transport(Protocol):
    name: str

    def write(self, data: bytes) -> None: ...

    def read(self, timeout: float) -> bytes:
        """Bytes that arrived within `timeout` seconds (b"" if none); raises TransportClosed."""
        ...

    def close(self) -> None: ...


class TcpTransport:
    """A client socket with TCP_NODELAY, so small frames are not held back by Nagle."""

    def __init__(self, sock: socket.socket, name: str):
        self._sock = sock
        self.name = name
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    @classmethod
    def connect(cls, host: str, port: int, deadline: float, alive=lambda: True) -> TcpTransport:
        """Connects, retrying until `deadline` while `alive()` says the server may still come up."""
        last: OSError | None = None
        while time.monotonic() < deadline and alive():
            try:
                sock = socket.create_connection((host, port), timeout=1.0)
                return cls(sock, f"tcp:{host}:{port}")
            except OSError as exc:
                last = exc
                time.sleep(0.02)
        raise TransportClosed(f"could not connect to {host}:{port}: {last or 'server exited'}")

    def write(self, data: bytes) -> None:
        try:
            self._sock.sendall(data)
        except OSError as exc:
            raise TransportClosed(f"{self.name}: connection lost while writing ({exc})") from None

    def read(self, timeout: float) -> bytes:
        self._sock.settimeout(max(timeout, 0.0001))
        try:
            data = self._sock.recv(READ_CHUNK)
        except TimeoutError:
            return b""
        except OSError as exc:
            raise TransportClosed(f"{self.name}: connection lost ({exc})") from None
        if not data:
            raise TransportClosed(f"{self.name}: the other end closed the connection")
        return data

    def close(self) -> None:
        try:
            self._sock.close()
        except OSError:
            pass


class SerialTransport:
    """A serial port (USB CDC, FTDI, or a pty), or a pyserial URL (rfc2217://HOST:PORT), through pyserial."""

    def __init__(self, port: str, baud: int = 115200):
        import serial  # pyserial

        self.name = port
        try:
            if "://" in port:  # rfc2217://host:port (ser2net, a labgrid NetworkSerialPort), socket://...
                self._ser = serial.serial_for_url(port, baud, timeout=0, write_timeout=5.0)
            else:
                self._ser = serial.Serial(port, baud, timeout=0, write_timeout=5.0, exclusive=True)
        except (serial.SerialException, OSError, ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ConfigError(
                f"cannot open serial port {port} at {baud} baud ({reason}): check the port name "
                f"(--port), that the board is plugged in and that no other program holds the port"
            ) from None
        self._serial_mod = serial

    def write(self, data: bytes) -> None:
        try:
            self._ser.write(data)
            self._ser.flush()
        except (self._serial_mod.SerialException, OSError) as exc:
            raise TransportClosed(f"{self.name}: serial port lost while writing ({exc}): check the cable and that "
                                  f"the board is powered", Category.PROTOCOL) from None

    def read(self, timeout: float) -> bytes:
        try:
            self._ser.timeout = max(timeout, 0.0)
            first = self._ser.read(1)
            if not first:
                return b""
            self._ser.timeout = 0
            return first + self._ser.read(self._ser.in_waiting or 0)
        except (self._serial_mod.SerialException, OSError) as exc:
            raise TransportClosed(f"{self.name}: serial port lost ({exc}): check the cable and that the board "
                                  f"is powered", Category.PROTOCOL) from None

    def reset_input(self) -> None:
        self._ser.reset_input_buffer()

    def close(self) -> None:
        try:
            self._ser.close()
        except Exception:  # noqa: BLE001 - closing a vanished port must not mask the real error
            pass
