"""The dynamic instruction mix the QEMU plugin (mix_plugin.c) writes: one record per measured
window (one invoke), one row of class counts per segment between two counter reads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hil.link.protocol import MAX_REPEAT

# The plugin's classes, in its order (enum in mix_plugin.c).
CLASSES = ("insns", "alu", "simd", "mul", "mac", "dspmul", "mull", "div",
           "ld", "ldd", "ldm", "ldm_regs", "st", "std", "stm", "stm_regs",
           "br_taken", "br_not_taken", "fp", "fp_mac", "fp_div", "fp_ldst", "fp_ldst_regs", "mve",
           "flash_ld", "sram_ld", "dmiss", "dmiss_seq", "imiss", "imiss_seq")
INDEX = {name: i for i, name in enumerate(CLASSES)}


@dataclass(frozen=True)
class Window:
    """One invoke: `segments[k]` are the counts between the k-th and (k+1)-th counter read. The
    agent reads the counter before and after the invoke, so the measured region is segments
    1..-2; an engine that also reads it around each operator (both do) puts operator i in
    segment 2 + 2i."""

    segments: np.ndarray  # (n, len(CLASSES)) int64

    @property
    def measured(self) -> np.ndarray:
        return self.segments[1:-1].sum(axis=0)

    def operators(self, n_ops: int) -> list[np.ndarray] | None:
        """Each operator's counts, or None when the segments do not follow the per-operator reads
        (e.g. a pipeline, whose stages repeat their operators)."""
        if len(self.segments) != 2 * n_ops + 3:
            return None
        return [self.segments[2 + 2 * i] for i in range(n_ops)]


def parse(text: str) -> tuple[list[Window], int]:
    """The complete records of `text`, and the characters they take (a record still being written
    is left for the next read)."""
    windows, lines, used, i = [], text.splitlines(keepends=True), 0, 0
    while i < len(lines):
        head = lines[i].split()
        if not lines[i].endswith("\n") or len(head) != 2 or head[0] != "window":
            break
        n = int(head[1])
        body = lines[i + 1:i + 1 + n]
        if len(body) != n or (body and not body[-1].endswith("\n")):
            break
        rows = np.array([[int(v) for v in line.split()] for line in body], dtype=np.int64)
        windows.append(Window(rows.reshape(n, len(CLASSES))))
        used += sum(len(line) for line in lines[i:i + 1 + n])
        i += 1 + n
    return windows, used


class MixLog:
    """Reads the windows the plugin appends, as they come."""

    KEEP = MAX_REPEAT  # windows kept: one request's repetitions at most

    def __init__(self, path: Path):
        self.path = path
        self._offset = 0
        self._windows: list[Window] = []

    def latest(self, n: int) -> list[Window]:
        """The last `n` windows (the invokes of the latest request); [] when fewer exist."""
        try:
            with open(self.path) as f:
                f.seek(self._offset)
                text = f.read()
        except OSError:
            return []
        windows, used = parse(text)
        self._offset += len(text[:used].encode())
        self._windows = (self._windows + windows)[-self.KEEP:]
        return self._windows[-n:] if len(self._windows) >= n else []
