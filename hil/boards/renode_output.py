"""Reading Renode's console output: how far a start got, what stops it, what is only a warning.

Renode carries on after most `[ERROR]` log lines (offline, the stock STM32F4 platform logs five
failed downloads of the SVD file it applies, then runs normally), so those are warnings. What
stops a start is what the session needs: a monitor command that failed (Renode stops the
script there), Renode exiting, no UART terminal, no READY. The harness's script logs a marker
after each of its steps (`log "hil-step: ..."`), so a failure says how far Renode got.
Everything after `Renode is quitting` is shutdown output (mono reporting a console stream that
closed under it) and is never shown to the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

STEP_MARK = "hil-step: "
STEPS = ("machine created", "platform loaded", "ELF loaded", "UART connected", "started")
# Monitor command failures and platform (.repl) parse errors: the script stopped there.
FATAL = re.compile(r"(There was an error|Could not find|No such (command|file)|Unhandled exception|^\s*Error E\d+)",
                   re.I)
ERROR = re.compile(r"\[ERROR\]\s*(.*)")
PROMPT = re.compile(r"^\([\w-]+\)")  # the monitor prompt, "(monitor)" or "(machine-name)"
QUITTING = "Renode is quitting"
ATTEMPT = re.compile(r"\s*\(attempt \d+/\d+\)")
DOWNLOAD_HINT = ("no network here? Renode names registers in its log from the SVD file it downloads; "
                 "emulation does not need it")


def step_command(step: str) -> str:
    """The monitor command that marks `step` as done in Renode's log."""
    return f'log "{STEP_MARK}{step}"'


@dataclass
class RenodeOutput:
    lines: list[str]

    @classmethod
    def read(cls, log: Path | None) -> RenodeOutput:
        """Renode's output up to `quit` (what follows is shutdown noise)."""
        try:
            text = log.read_text(errors="replace") if log else ""
        except OSError:
            text = ""
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if QUITTING in line:
                return cls(lines[:i])
        return cls(lines)

    def fatal(self) -> str:
        """The first line saying a monitor command failed, with the reason Renode gives on the
        next line (e.g. "Could not find file ..."), or ''."""
        for i, line in enumerate(self.lines):
            if FATAL.search(line):
                reason = next((r.strip() for r in self.lines[i + 1:i + 2] if r.strip() and not PROMPT.match(r)), "")
                return f"{line.strip()}: {reason}" if reason else line.strip()
        return ""

    def last_step(self) -> str:
        done = [step for step in STEPS if any(STEP_MARK + step in line for line in self.lines)]
        return done[-1] if done else "none (Renode did not run the script)"

    def errors(self) -> list[str]:
        """Renode's [ERROR] messages, once each (retries of one download count once)."""
        seen: list[str] = []
        for line in self.lines:
            match = ERROR.search(line)
            if match:
                message = ATTEMPT.sub("", match.group(1)).strip()
                if message not in seen:
                    seen.append(message)
        return seen

    def warning(self) -> str:
        """One line for the user about the errors Renode carried on after, or ''."""
        errors = self.errors()
        if not errors:
            return ""
        hint = f" ({DOWNLOAD_HINT})" if any("download" in e.lower() for e in errors) else ""
        return f"Renode logged errors and carried on, the session runs normally: {'; '.join(errors)}{hint}"

    def tail(self, count: int = 5) -> str:
        text = [line.strip() for line in self.lines if line.strip()]
        return " | ".join(text[-count:])

    def describe(self) -> str:
        """What a failed start's message quotes: the failed command, else the errors, else the tail."""
        detail = self.fatal() or "; ".join(self.errors()) or self.tail() or "no output"
        return f"last step done: {self.last_step()}; Renode output: {detail}"
