"""The nightly regression report: analysis of the results history (analysis.py), rendered as a
self-contained HTML page (html.py, charts.py), JSON, and a Markdown summary (markdown.py)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
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
    for path, text in ((html, lambda: render_html(report)),
                       (json_path, lambda: json.dumps(report, indent=2, sort_keys=True, default=str) + "\n"),
                       (markdown, lambda: render_markdown(report, html.name if html else None))):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text(), encoding="utf-8")
    summary_path = os.environ.get(STEP_SUMMARY_ENV) if step_summary else None
    if summary_path:
        with open(summary_path, "a", encoding="utf-8") as handle:
            handle.write(render_markdown(report, html.name if html else None))
    return Written(report, html, json_path, markdown, Path(summary_path) if summary_path else None)
