"""Progress of a long loop on stderr: done/total, rate and ETA. On a terminal one live line,
redrawn at most a few times a second once the loop has taken a second; otherwise (CI logs,
pipes) a plain line every `every_s` seconds, so a log shows the run is alive without flooding."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO


def duration_text(seconds: float) -> str:
    """'41 s', '3 min 20 s', '2 h 5 min'."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


class Progress:
    def __init__(self, total: int, what: str, *, stream: TextIO | None = None, live: bool | None = None,
                 every_s: float = 10.0, live_after_s: float = 1.0, redraw_s: float = 0.25,
                 clock: Callable[[], float] = time.monotonic):
        self.total, self.what = total, what
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.every_s, self.live_after_s, self.redraw_s = every_s, live_after_s, redraw_s
        self.clock = clock
        self.started = clock()
        self.done = 0
        self._last_shown: float | None = None  # when a line was last written

    def line(self) -> str:
        elapsed = self.clock() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = duration_text((self.total - self.done) / rate) if rate > 0 else "?"
        return f"{self.done}/{self.total} {self.what}  {rate:.1f} {self.what}/s  ETA {eta}"

    def update(self, done: int) -> None:
        self.done = done
        now = self.clock()
        if self.live:
            due = now - self.started >= self.live_after_s and (
                self._last_shown is None or now - self._last_shown >= self.redraw_s)
        else:
            due = now - (self._last_shown if self._last_shown is not None else self.started) >= self.every_s
        if due:
            self._show(now)

    def close(self) -> None:
        """Ends a live line (showing the final count); plain mode adds nothing."""
        if self.live and self._last_shown is not None:
            self._show(self.clock())
            self.stream.write("\n")
            self.stream.flush()

    def _show(self, now: float) -> None:
        text = self.line()
        self.stream.write(f"\r{text}\x1b[K" if self.live else f"{text}\n")
        self.stream.flush()
        self._last_shown = now
