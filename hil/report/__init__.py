"""The nightly regression report: analysis of the results history (analysis.py), rendered as a
self-contained HTML page (html.py, charts.py), JSON, and a Markdown summary (markdown.py)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from hil.report.analysis import ReportOptions, build_report
from hil.report.html import render_html
from hil.report.markdown import render_markdown
from hil.results.store import ResultsStore

__all__ = ["ReportOptions", "build_report", "render_html", "render_markdown", "write_report", "Written"]

STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"


@dataclass
class Written:
    report: dict
    html: Path | None
    json: Path | None
    markdown: Path | None
    step_summary: Path | None
    unwritten: dict[Path, str] = field(default_factory=dict)  # path -> why it could not be written

    @property
    def regressions(self) -> list[dict]:
        return self.report["regressions"]


def write_report(db: Path, *, run_id: int | None = None, html: Path | None = None, json_path: Path | None = None,
                 markdown: Path | None = None, options: ReportOptions | None = None,
                 step_summary: bool = True) -> Written:
    """Builds the report of one run and writes the requested files (parents created)."""
    options = options or ReportOptions()
    options.database = options.database or str(db)
    with ResultsStore(db, create=False) as store:
        report = build_report(store, run_id, options)
    from hil.harness.tradeoff import load_all  # `hil tradeoff` writes its table beside the database

    report["tradeoff"] = [t.as_json() for t in load_all(Path(db).parent / "tradeoff.json")]
    unwritten: dict[Path, str] = {}
    for path, text in ((html, lambda: render_html(report)),
                       (json_path, lambda: json.dumps(report, indent=2, sort_keys=True, default=str) + "\n"),
                       (markdown, lambda: render_markdown(report, html.name if html else None))):
        if path is not None:
            _write(path, text(), "w", unwritten)
    summary_path = os.environ.get(STEP_SUMMARY_ENV) if step_summary else None
    if summary_path:
        _write(Path(summary_path), render_markdown(report, html.name if html else None), "a", unwritten)
    return Written(report, *(None if p in unwritten else p for p in (html, json_path, markdown)),
                   None if not summary_path or Path(summary_path) in unwritten else Path(summary_path), unwritten)


def _write(path: Path, text: str, mode: str, unwritten: dict[Path, str]) -> None:
    """Writes one output (parents created); a file that cannot be written is noted, so the
    others are still written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, mode, encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        unwritten[path] = exc.strerror or str(exc)
