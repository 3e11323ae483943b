"""Nordic Power Profiler Kit II through `ppk2-api` (its serial protocol and sample decoding).

Ampere-meter mode measures the current the board draws from its own supply (the voltage is the
board's, given with --power-voltage or the profile's supply_v); source-meter mode powers the board
at that voltage. Power = current x that voltage, integrated per sample (100 kS/s). The sync GPIO
goes to one of the PPK2's eight digital inputs (D0 by default)."""

from __future__ import annotations

import threading
import time

import numpy as np

from hil.errors import Category, ConfigError, HilError
from hil.power.monitor import SampleCapture

SAMPLE_RATE_HZ = 100_000  # the PPK2 streams 100 k samples per second
MODES = ("ampere", "source")


class Ppk2Monitor:
    name = "ppk2"

    def __init__(self, port: str, voltage_v: float, mode: str = "ampere", sync_channel: int = 0):
        if mode not in MODES:
            raise ConfigError(f"--power-mode {mode}: the PPK2 has {' and '.join(MODES)} modes")
        if not 0 <= sync_channel <= 7:
            raise ConfigError(f"sync channel {sync_channel}: the PPK2's digital inputs are D0 to D7")
        try:
            from ppk2_api.ppk2_api import PPK2_API
        except ImportError:
            raise ConfigError("the PPK2 needs the ppk2-api package: pip install ppk2-api (setup.sh installs "
                              "it)") from None
        try:
            self.ppk2 = PPK2_API(port, timeout=1, write_timeout=1)
        except OSError as exc:
            raise ConfigError(f"--power-port {port}: cannot open the PPK2 ({exc})") from None
        self.port, self.voltage_v, self.mode, self.sync_channel = port, voltage_v, mode, sync_channel
        if not self.ppk2.get_modifiers():
            raise HilError(f"{port}: no PPK2 calibration metadata answered: is this a PPK2?", Category.PROTOCOL)
        self._configure()
        self._buffer = bytearray()
        self._stop = threading.Event()
        self._reader: threading.Thread | None = None

    def _configure(self) -> None:
        millivolts = round(self.voltage_v * 1000)
        if self.mode == "source":
            self.ppk2.use_source_meter()
            self.ppk2.set_source_voltage(millivolts)
            self.ppk2.toggle_DUT_power("ON")
        else:
            self.ppk2.use_ampere_meter()
            self.ppk2.set_source_voltage(millivolts)  # the library converts with the supply it is told

    def describe(self) -> str:
        return (f"PPK2 on {self.port} ({self.mode}-meter mode, {self.voltage_v:g} V, {SAMPLE_RATE_HZ // 1000} kS/s, "
                f"sync on D{self.sync_channel}) through ppk2-api")

    def start(self) -> None:
        self._buffer.clear()
        self._stop.clear()
        self.ppk2.start_measuring()
        self._reader = threading.Thread(target=self._read, name="ppk2-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while not self._stop.is_set():
            self._buffer += self.ppk2.get_data()
            time.sleep(0.002)

    def stop(self) -> SampleCapture:
        self.ppk2.stop_measuring()
        self._stop.set()
        if self._reader is not None:
            self._reader.join()
        self._drain()
        usable = len(self._buffer) // 4 * 4
        microamps, logic = self.ppk2.get_samples(bytes(self._buffer[:usable]))
        self.ppk2.remainder = {"sequence": b"", "len": 0}  # the next capture starts on a sample boundary
        power = np.asarray(microamps, dtype=np.float64) * 1e-6 * self.voltage_v
        sync = (np.asarray(logic, dtype=np.int64) >> self.sync_channel) & 1
        return SampleCapture(SAMPLE_RATE_HZ, power, sync)

    def _drain(self, quiet_s: float = 0.02, limit_s: float = 2.0) -> None:
        """Samples already on the wire when streaming stopped: read until the port stays quiet."""
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            time.sleep(quiet_s)
            data = self.ppk2.get_data()
            if not data:
                return
            self._buffer += data

    def close(self) -> None:
        if self.mode == "source":
            self.ppk2.toggle_DUT_power("OFF")
        self.ppk2.ser.close()
