"""STAND-INS for power monitors, which cannot be attached to these machines. Neither has ever
been checked against a real PPK2 or Joulescope; they follow the documented interfaces.

- Ppk2Standin: a simulated Nordic PPK2 on a pseudo-terminal, speaking the serial protocol that
  ppk2-api implements (one-byte commands, calibration metadata ending in "END", a stream of
  4-byte little-endian samples: ADC bits 0-13, range bits 14-16, digital inputs D0-D7 in bits
  24-31, at 100 kS/s). The harness drives it through ppk2-api's real code.
- JoulescopeDriverStandin: a simulated pyjoulescope_driver.Driver (the methods the harness calls)
  publishing `s/stats/value` blocks with an energy accumulator and `s/gpi/0/!data` bits, in the
  message layout of the driver's binding.

Both play a script of segments (seconds, amperes, sync level) on top of an idle current, so the
energy of each sync pulse is known exactly: amperes x volts x the segment's sample count / rate.
"""

from __future__ import annotations

import os
import queue
import threading
import time
import tty

import numpy as np

PPK2_RATE = 100_000
PPK2_R = (1031.64, 101.65, 10.15, 0.94, 0.043)  # ohms per range, ppk2-api's defaults
ADC_VOLTS_PER_COUNT = 4 * 1.8 / 163840  # ppk2-api: adc_result = ADC bits x 4, x adc_mult


def segment_samples(seconds: float, rate: float) -> int:
    return round(seconds * rate)


def pulse_energies_uj(script: list[tuple[float, float, int]], volts: float, rate: float) -> list[float]:
    """The energy of each high-sync segment, as the stand-in plays it (whole samples)."""
    return [amps * volts * segment_samples(s, rate) / rate * 1e6 for s, amps, sync in script if sync]


class _Player:
    """Idle samples while running; a script's samples, in order, when one is played."""

    def __init__(self, rate: float, idle_amps: float, chunk: int):
        self.rate, self.idle_amps, self.chunk = rate, idle_amps, chunk
        self.scripts: queue.Queue = queue.Queue()
        self.pending: list[tuple[np.ndarray, np.ndarray]] = []
        self.done = threading.Event()

    def play(self, script: list[tuple[float, float, int]], timeout: float = 30.0) -> None:
        self.done.clear()
        self.scripts.put(script)
        assert self.done.wait(timeout), "the stand-in did not play the script"

    def idle(self) -> bool:
        return not self.pending and self.scripts.empty()

    def next_chunk(self) -> tuple[np.ndarray, np.ndarray]:
        """(amperes, sync level) for the next `chunk` samples."""
        if not self.pending:
            try:
                script = self.scripts.get_nowait()
            except queue.Empty:
                return np.full(self.chunk, self.idle_amps), np.zeros(self.chunk, np.uint8)
            for seconds, amps, level in script:
                n = segment_samples(seconds, self.rate)
                self.pending.append((np.full(n, amps), np.full(n, level, np.uint8)))
            self.pending.append((np.full(self.chunk, self.idle_amps), np.zeros(self.chunk, np.uint8)))
            self.pending.append(None)  # marks the end of the script
        amps, levels = [], []
        while self.pending and sum(map(len, amps)) < self.chunk:
            item = self.pending.pop(0)
            if item is None:
                self.done.set()
                break
            amps.append(item[0])
            levels.append(item[1])
        if not amps:
            return np.full(self.chunk, self.idle_amps), np.zeros(self.chunk, np.uint8)
        return np.concatenate(amps), np.concatenate(levels)


class Ppk2Standin:
    """A simulated PPK2 on a pty; `port` is the path the harness opens."""

    def __init__(self, idle_amps: float = 300e-6, sync_bit: int = 0,
                 autoplay: list[tuple[float, float, int]] | None = None,
                 autoplays: list[list[tuple[float, float, int]]] | None = None):
        self.master, slave = os.openpty()
        tty.setraw(slave)
        self.port = os.ttyname(slave)
        self._slave = slave
        self.sync_bit = sync_bit
        self.player = _Player(PPK2_RATE, idle_amps, chunk=500)
        self.commands: list[bytes] = []
        self.measuring = threading.Event()
        self.closed = threading.Event()
        self.source_mv: int | None = None
        # played at successive AVERAGE_STARTs (for `hil` run as a subprocess); [] plays nothing (idle)
        self.autoplays = list(autoplays) if autoplays is not None else ([autoplay] if autoplay else [])
        self.stop_requested = False
        threading.Thread(target=self._serve, daemon=True).start()
        threading.Thread(target=self._stream, daemon=True).start()

    def _metadata(self) -> bytes:
        lines = ["Calibrated: 0"] + [f"R{i}: {r}" for i, r in enumerate(PPK2_R)]
        for key, value in (("GS", 0), ("GI", 1), ("O", 0), ("S", 0), ("I", 0), ("UG", 1)):
            lines += [f"{key}{i}: {value}" for i in range(5)]
        return ("\n".join(lines + ["HW: 9173", "IA: 56", "END"]) + "\n").encode()

    def _serve(self) -> None:
        while not self.closed.is_set():
            try:
                data = os.read(self.master, 64)
            except OSError:
                return
            self.commands.append(data)
            self._handle(data)

    def _handle(self, data: bytes) -> None:
        i = 0
        while i < len(data):
            cmd = data[i]
            if cmd == 0x19:  # GET_META_DATA
                os.write(self.master, self._metadata())
            elif cmd == 0x06:  # AVERAGE_START
                script = self.autoplays.pop(0) if self.autoplays else None
                if script:
                    self.player.scripts.put(script)
                self.stop_requested = False
                self.measuring.set()
            elif cmd == 0x07:  # AVERAGE_STOP, once a script being played has ended
                self.stop_requested = True
            elif cmd == 0x0D and i + 2 < len(data):  # REGULATOR_SET b1 b2
                self.source_mv = (data[i + 1] - 3) * 256 + data[i + 2] + 800 - 32
                i += 2
            elif cmd in (0x11, 0x0C):  # SET_POWER_MODE m, DEVICE_RUNNING_SET s
                i += 1
            i += 1

    def encode(self, amps: np.ndarray, levels: np.ndarray) -> bytes:
        """4-byte samples: the smallest range whose full scale holds the current."""
        full_scale = np.array([16383 * ADC_VOLTS_PER_COUNT / r for r in PPK2_R])
        rng = np.minimum(np.searchsorted(full_scale, amps), 4)
        counts = np.clip(np.round(amps * np.array(PPK2_R)[rng] / ADC_VOLTS_PER_COUNT), 0, 16383).astype(np.uint32)
        words = counts | (rng.astype(np.uint32) << 14) | (levels.astype(np.uint32) << (24 + self.sync_bit))
        return words.astype("<u4").tobytes()

    def _stream(self) -> None:
        period = self.player.chunk / PPK2_RATE
        while not self.closed.is_set():
            if not self.measuring.wait(0.05):
                continue
            if self.stop_requested and self.player.idle():
                self.measuring.clear()
                self.stop_requested = False
                continue
            amps, levels = self.player.next_chunk()
            try:
                os.write(self.master, self.encode(amps, levels))
            except OSError:
                return
            time.sleep(period)

    def play(self, script: list[tuple[float, float, int]]) -> None:
        self.player.play(script)

    def close(self) -> None:
        self.closed.set()
        for fd in (self.master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass


class JoulescopeDriverStandin:
    """A simulated pyjoulescope_driver.Driver with one JS220 that measures `volts` x the script."""

    RATE = 1_000_000  # sample ids per second (stats and GPI)
    BLOCK = 1000      # samples per statistics block (s/stats/scnt as the harness sets it)

    def __init__(self, volts: float = 3.3, idle_amps: float = 300e-6, device: str = "u/js220/000415"):
        self.volts, self.device = volts, device
        self.player = _Player(self.RATE, idle_amps, chunk=self.BLOCK)
        self.published: dict[str, object] = {}
        self.subscribers: dict[str, list] = {}
        self.sample_id = 0
        self.energy_j = 0.0
        self.closed = threading.Event()
        self.thread = threading.Thread(target=self._stream, daemon=True)

    # -- the Driver methods the harness calls --
    def device_paths(self, timeout=None) -> list[str]:
        return [self.device]

    def open(self, device_prefix, mode=None, timeout=None) -> None:
        assert device_prefix == self.device
        self.thread.start()

    def publish(self, topic: str, value, timeout=None) -> None:
        self.published[topic] = value

    def subscribe(self, topic: str, flags, fn, timeout=None) -> None:
        self.subscribers.setdefault(topic, []).append(fn)

    def unsubscribe(self, topic, fn, timeout=None) -> None:
        self.subscribers.get(topic, []).remove(fn)

    def close(self, device_prefix, timeout=None) -> None:
        self.closed.set()
        self.thread.join()

    def finalize(self, timeout=None) -> None:
        self.closed.set()

    # -- the simulated instrument --
    def play(self, script: list[tuple[float, float, int]]) -> None:
        self.player.play(script)

    def _emit(self, topic: str, value: dict) -> None:
        for fn in list(self.subscribers.get(f"{self.device}/{topic}", [])):
            fn(f"{self.device}/{topic}", value)

    def _stream(self) -> None:
        while not self.closed.is_set():
            amps, levels = self.player.next_chunk()
            for start in range(0, len(amps), self.BLOCK):
                self._block(amps[start:start + self.BLOCK], levels[start:start + self.BLOCK])
            time.sleep(len(amps) / self.RATE)

    def _block(self, amps: np.ndarray, levels: np.ndarray) -> None:
        n = len(amps)
        watts = amps * self.volts
        self.energy_j += float(watts.sum()) / self.RATE
        t0, t1 = self.sample_id / self.RATE, (self.sample_id + n) / self.RATE
        self._emit("s/gpi/0/!data", {"sample_id": self.sample_id, "sample_rate": self.RATE, "decimate_factor": 1,
                                     "field_id": 8, "index": 0, "utc": 0,
                                     "data": np.packbits(levels, bitorder="little")})
        self._emit("s/stats/value", {
            "time": {"samples": {"value": [self.sample_id, self.sample_id + n], "units": "samples"},
                     "sample_freq": {"value": self.RATE, "units": "Hz"},
                     "range": {"value": [t0, t1], "units": "s"}, "delta": {"value": t1 - t0, "units": "s"}},
            "signals": {"power": {"avg": {"value": float(watts.mean()), "units": "W"}},
                        "current": {"avg": {"value": float(amps.mean()), "units": "A"}}},
            "accumulators": {"energy": {"value": self.energy_j, "units": "J"},
                             "charge": {"value": 0.0, "units": "C"}}})
        self.sample_id += n
