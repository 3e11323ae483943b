"""The HTML report as a person sees it: rendered by a real headless Chromium (Debian's
`chromium` package, installed by setup.sh), driven over the DevTools protocol on a pipe
(--remote-debugging-pipe: no network port, no chromedriver, no extra Python package).

Checks what is on screen (status, summary cards, regression rows at the top with working
links, charts painted with a nonzero size) and that the page loads nothing but itself.
A full-page screenshot is saved as a test artifact: in $HIL_TEST_ARTIFACTS when set, else in
the test's tmp_path; its path is printed and attached as a JUnit property."""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image as mpimg

from hil.cli import main as hil_main

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars"]
ARTIFACTS_ENV = "HIL_TEST_ARTIFACTS"


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("chromium is not installed: the report's browser test needs it "
                "(apt-get install -y chromium chromium-driver; setup.sh installs it)", pytrace=False)


class Chromium:
    """A headless Chromium with a DevTools protocol session on fds 3 (commands in) and 4
    (replies and events out), messages NUL-terminated JSON."""

    def __init__(self, profile_dir: Path, log: Path, width: int = 1280, height: int = 900):
        cmd_r, cmd_w = os.pipe()
        res_r, res_w = os.pipe()
        # Move the child's ends above the low fds so that dup2 onto 3 and 4 cannot clobber them.
        child_in, child_out = fcntl.fcntl(cmd_r, fcntl.F_DUPFD, 10), fcntl.fcntl(res_w, fcntl.F_DUPFD, 10)
        os.close(cmd_r)
        os.close(res_w)

        def wire_pipes() -> None:
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        self.log = log.open("wb")
        self.proc = subprocess.Popen(
            [chromium_binary(), *CHROMIUM_FLAGS, f"--user-data-dir={profile_dir}", f"--window-size={width},{height}",
             "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log, preexec_fn=wire_pipes, close_fds=False)
        os.close(child_in)
        os.close(child_out)
        self.writer = os.fdopen(cmd_w, "wb", buffering=0)
        self.messages: queue.Queue = queue.Queue()
        self.events: list[dict] = []
        self.next_id = 0
        threading.Thread(target=self._read, args=(res_r,), daemon=True).start()
        self.width, self.height = width, height
        self.session = None

    def _read(self, fd: int) -> None:
        buffer = b""
        with os.fdopen(fd, "rb", buffering=0) as reader:
            while chunk := reader.read(65536):
                buffer += chunk
                while b"\0" in buffer:
                    message, buffer = buffer.split(b"\0", 1)
                    self.messages.put(json.loads(message))
        self.messages.put(None)

    def send(self, method: str, params: dict | None = None, *, browser: bool = False, timeout: float = 30) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if not browser and self.session:
            message["sessionId"] = self.session
        self.writer.write(json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._next(deadline, f"reply to {method}")
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise AssertionError(f"DevTools {method} failed: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def _next(self, deadline: float, what: str) -> dict:
        try:
            message = self.messages.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"Chromium gave no {what} in time (log: {self.log.name})") from None
        if message is None:
            raise AssertionError(f"Chromium exited (code {self.proc.poll()}); log: {self.log.name}")
        return message

    def wait_event(self, method: str, timeout: float = 30) -> dict:
        for event in self.events:
            if event.get("method") == method:
                return event
        deadline = time.monotonic() + timeout
        while True:
            message = self._next(deadline, method)
            self.events.append(message)
            if message.get("method") == method:
                return message

    def open(self, url: str) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, browser=True)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 browser=True)["sessionId"]
        for domain in ("Page.enable", "Network.enable", "Runtime.enable"):
            self.send(domain)
        self.send("Emulation.setDeviceMetricsOverride", {"width": self.width, "height": self.height,
                                                         "deviceScaleFactor": 1, "mobile": False})
        self.events.clear()
        self.send("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired")

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise AssertionError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def requested_urls(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def screenshot(self, path: Path) -> tuple[int, int]:
        size = self.send("Page.getLayoutMetrics")["cssContentSize"]
        width, height = int(size["width"]), int(size["height"])
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                    "clip": {"x": 0, "y": 0, "width": width, "height": height,
                                                             "scale": 1}}, timeout=60)["data"]
        path.write_bytes(base64.b64decode(data))
        return width, height

    def close(self) -> None:
        try:
            self.send("Browser.close", browser=True, timeout=10)
        except AssertionError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.writer.close()
        self.log.close()


# What a reader sees, gathered in the page: visible boxes, texts, links, charts.
PAGE_FACTS = """(() => {
  const box = el => { if (!el) return null; const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return {x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height,
            visible: r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'}; };
  const all = sel => Array.from(document.querySelectorAll(sel));
  const links = el => Array.from(el.querySelectorAll('a[href^="#"]')).map(a => a.getAttribute('href'));
  return {
    title: document.title,
    status: document.getElementById('status') ? document.getElementById('status').innerText : null,
    cards: Object.fromEntries(all('.card').map(c => [c.dataset.name, c.querySelector('.n').innerText])),
    regressionsBox: box(document.getElementById('regressions')),
    summaryBox: box(document.getElementById('summary')),
    regressionRows: all('tr.regression').map(r => ({kind: r.dataset.kind, text: r.innerText, box: box(r),
      links: links(r), linksResolve: links(r).every(h => document.getElementById(h.slice(1)) !== null)})),
    charts: all('svg.chart').map(s => ({label: s.getAttribute('aria-label'), box: box(s),
      figure: s.closest('figure') ? s.closest('figure').className : null,
      paths: s.querySelectorAll('path').length, texts: s.querySelectorAll('text').length})),
    scripts: all('script').length,
    external: all('link[href], img[src], iframe, object, embed, video, audio').length,
  };
})()"""


def artifacts_dir(tmp_path: Path) -> Path:
    env = os.environ.get(ARTIFACTS_ENV)
    path = Path(env) if env else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


def render(html: Path, tmp_path: Path, name: str, record_property) -> tuple[dict, list[str], Path, np.ndarray]:
    browser = Chromium(tmp_path / f"profile-{name}", tmp_path / f"chromium-{name}.log")
    try:
        browser.open(html.resolve().as_uri())
        facts = browser.evaluate(PAGE_FACTS)
        shot = artifacts_dir(tmp_path) / f"{name}.png"
        width, height = browser.screenshot(shot)
        urls = browser.requested_urls()
    finally:
        browser.close()
    print(f"screenshot of the report: {shot} ({width}x{height})")
    record_property("screenshot", str(shot))
    pixels = mpimg.imread(shot)
    assert pixels.shape[1] == width and pixels.shape[0] == height
    return facts, urls, shot, pixels


def painted(pixels: np.ndarray, box: dict, rgb: tuple[int, int, int], tol: int = 40) -> int:
    """Pixels of colour `rgb` inside a box of the screenshot: proof that a chart was painted."""
    y0, x0 = int(box["y"]), int(box["x"])
    area = pixels[y0:y0 + int(box["h"]), x0:x0 + int(box["w"]), :3] * 255
    return int((np.abs(area - np.array(rgb)).max(axis=2) < tol).sum())


def assert_self_contained(facts: dict, urls: list[str], html: Path) -> None:
    assert facts["scripts"] == 0 and facts["external"] == 0
    assert urls and all(u.startswith(("file:", "data:", "about:")) for u in urls), urls
    assert html.resolve().as_uri() in urls


def test_regression_report_as_seen_in_chromium(tmp_path, record_property):
    from test_report_regression import make_history

    db, runs = make_history(tmp_path)
    html = tmp_path / "report.html"
    assert hil_main(["report", "--db", str(db), "--out", str(html), "--json", str(tmp_path / "r.json"),
                     "--no-step-summary"]) == 0
    data = json.loads((tmp_path / "r.json").read_text())
    facts, urls, shot, pixels = render(html, tmp_path, "report-synthetic-regression", record_property)
    assert_self_contained(facts, urls, html)

    assert facts["title"] == f"HIL report: run #{runs[-1]} (qemu)"
    assert facts["status"] == "1 failing, 4 regressions"
    assert facts["cards"] == {"tests": "3", "passed": "2", "failed": "1", "regressions": "4"}
    # the regressions are the first section, above the summary, every row visible and linked
    assert facts["regressionsBox"]["visible"] and facts["regressionsBox"]["y"] < facts["summaryBox"]["y"]
    rows = facts["regressionRows"]
    assert [r["kind"] for r in rows] == ["newly-failing", "cycles", "parity", "footprint"]
    cycles = rows[1]
    assert cycles["box"]["visible"] and cycles["box"]["h"] > 10 and cycles["linksResolve"]
    assert "cycles 5,500 -> 6,500 virtual" in cycles["text"] and "#1 FULLY_CONNECTED" in cycles["text"]
    assert all(r["linksResolve"] and r["links"] for r in rows)
    # two charts (per-operator bars, trends), painted at a readable size
    assert [c["figure"] for c in facts["charts"]] == ["per-op", "trend"]
    for chart in facts["charts"]:
        assert chart["box"]["visible"] and chart["box"]["w"] > 400 and chart["box"]["h"] > 150, chart
        assert chart["paths"] > 10 and chart["texts"] > 5
    per_op, trend = facts["charts"]
    assert painted(pixels, per_op["box"], (0x25, 0x63, 0xEB)) > 2000  # the blue bars of this run
    assert painted(pixels, per_op["box"], (0x9C, 0xA3, 0xAF)) > 2000  # the grey bars of the previous run
    assert painted(pixels, trend["box"], (0xDB, 0x27, 0x77)) > 100    # the latency trend line
    assert data["regressions"][1]["kind"] == "cycles"


def test_real_nightly_report_as_seen_in_chromium(tmp_path_factory, tmp_path, record_property):
    from test_nightly import real_nightly_history

    history = real_nightly_history(tmp_path_factory)
    html = history.second / "report.html"
    data = json.loads((history.second / "report.json").read_text())
    facts, urls, shot, pixels = render(html, tmp_path, "report-nightly-qemu", record_property)
    assert_self_contained(facts, urls, html)
    summary = data["summary"]
    assert facts["cards"] == {"tests": str(summary["total"]), "passed": str(summary["passed"]),
                              "failed": str(summary["failed"]), "regressions": str(len(data["regressions"]))}
    assert data["regressions"] and len(facts["regressionRows"]) == len(data["regressions"])
    first = facts["regressionRows"][0]
    assert first["box"]["visible"] and first["linksResolve"] and "hello_world" in first["text"]
    assert facts["regressionsBox"]["y"] < facts["summaryBox"]["y"]
    trends = [c for c in facts["charts"] if c["figure"] == "trend"]
    assert len(trends) == len(data["trends"]) >= 1
    for chart in trends:
        assert chart["box"]["visible"] and chart["box"]["w"] > 400 and chart["box"]["h"] > 150
        assert painted(pixels, chart["box"], (0x25, 0x63, 0xEB)) > 50  # the cycles line
