"""Bad input a user can give ends in one line that names the file or value and what to do: no
traceback, no green result over nothing, and nothing measured lost (what can be written is
written, what could not be is said).

Unwritable places are made honestly for any user, root included: a path under a regular file
(no process can create it), and where the test may mount, a read-only or full tmpfs."""

from __future__ import annotations

import contextlib
import hashlib
import os
import struct
import subprocess
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import HELLO, ROOT, hil, one_line, pytest_session


def under_a_file(tmp_path: Path, *parts: str) -> Path:
    """A path no process can create: its parent would have to be a directory inside a file."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    return blocker.joinpath(*parts)


@contextlib.contextmanager
def mounted_tmpfs(path: Path, options: str):
    path.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True,
                            text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({result.stderr.strip() or 'mount failed'}), so this case cannot "
                    "be made honestly for this user")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@pytest.fixture
def readonly_dir(tmp_path):
    """A directory nobody can write into: mode 0555 for a normal user; root ignores modes, so
    for root a read-only tmpfs (skipped where mounting is not allowed)."""
    path = tmp_path / "readonly"
    if os.geteuid() != 0:
        path.mkdir()
        path.chmod(0o555)
        yield path
        path.chmod(0o755)
        return
    with mounted_tmpfs(path, "ro,size=64k") as mounted:
        yield mounted


# -- defect 8: vector files that numpy cannot read as numbers ---------------------------------


def _corrupt_npz(path: Path) -> None:
    np.savez(path, inputs=np.zeros((4, 1), np.int8))
    data = bytearray(path.read_bytes())
    path.write_bytes(bytes(data[: len(data) // 2]))  # a cut-off download


def _garbage_npz(path: Path) -> None:
    path.write_bytes(os.urandom(300))


def _object_npy(path: Path) -> None:
    np.save(path, np.array([[1], "x", None], dtype=object), allow_pickle=True)


def _text_npy(path: Path) -> None:
    path.write_text("1\n2\n3\n")


@pytest.mark.parametrize("name,make", [("cut.npz", _corrupt_npz), ("garbage.npz", _garbage_npz),
                                       ("objects.npy", _object_npy), ("text.npy", _text_npy)])
def test_hil_run_refuses_unreadable_inputs_in_one_line(tmp_path, name, make):
    path = tmp_path / name
    make(path)
    line = one_line(hil("run", HELLO, "--inputs", path, HIL_CACHE_DIR=str(tmp_path),
                        HIL_RESULTS_DB=str(tmp_path / "r.sqlite")))
    assert str(path) in line and ("numpy.save" in line or "numpy.savez" in line)
    assert not (tmp_path / "firmware").exists()  # refused before building


@pytest.mark.parametrize("option,value", [("--repeat", "-1"), ("--repeat", "0"), ("--repeat", "100000"),
                                          ("--cpu-hz", "-5"), ("--cpu-hz", "0")])
def test_hil_run_refuses_out_of_range_numbers(tmp_path, option, value):
    line = one_line(hil("run", HELLO, option, value, HIL_CACHE_DIR=str(tmp_path),
                        HIL_RESULTS_DB=str(tmp_path / "r.sqlite")))
    assert f"{option} {value}" in line
    assert not (tmp_path / "firmware").exists()


def test_pytest_refuses_a_negative_clock_in_one_line(tmp_path):
    result = pytest_session("test_suites/test_parity.py", "--cpu-hz=-5", "--no-results")
    line = one_line(result)
    assert "--cpu-hz -5" in line


# -- defect 8: a board profile and a model pytest cannot use ----------------------------------


def test_a_board_profile_with_a_non_numeric_clock_is_one_line(tmp_path):
    profiles = tmp_path / "boards"
    profiles.mkdir()
    text = (ROOT / "hil" / "boards" / "profiles" / "qemu.toml").read_text()
    (profiles / "fast.toml").write_text(text.replace('name = "qemu"', 'name = "fast"')
                                        .replace("cpu_hz = 25_000_000", 'cpu_hz = "fast"')
                                        .replace('aliases = ["qemu-m4", "mps2-an386", "mps2_an386"]', "aliases = []"))
    for result in (hil("boards", HIL_BOARDS_PATH=str(profiles)),
                   hil("run", HELLO, "--board", "fast", HIL_BOARDS_PATH=str(profiles)),
                   pytest_session("test_suites/test_parity.py", "--board=fast", "--no-results",
                                  HIL_BOARDS_PATH=str(profiles))):
        line = one_line(result)
        assert "fast.toml" in line and "cpu_hz" in line and "'fast'" in line


def test_pytest_refuses_a_model_that_is_not_tflite_in_one_line(tmp_path):
    model = tmp_path / "notflite.tflite"
    model.write_text("hello\n")
    result = pytest_session("test_suites/test_parity.py", f"--model={model}", "--no-results")
    lines = [ln for ln in (result.stdout + result.stderr).splitlines() if ln.strip()]
    assert result.returncode not in (0, 1) and len(lines) == 1, lines
    assert str(model) in lines[0] and "TFLite" in lines[0]


# -- defect 8: a target that speaks the protocol wrongly (a user's own port of the agent) ------

def _frame(msg_type: int, seq: int, payload: bytes) -> bytes:
    import zlib

    body = struct.pack("<BBH", msg_type, 0, seq) + payload
    body += struct.pack("<I", zlib.crc32(body))
    return b"\xc0" + body.replace(b"\xdb", b"\xdb\xdd").replace(b"\xc0", b"\xdb\xdc") + b"\xc0"


def _ready(counter_kind: int = 2) -> bytes:
    """A READY frame's payload for hello_world (docs/protocol.md), with the given counter kind."""
    sha = hashlib.sha256(HELLO.read_bytes()).digest()
    head = struct.pack("<BBHIIIIIBBBB", 1, counter_kind, 1024, 168_000_000, 168_000_000, 4096, 1704,
                       HELLO.stat().st_size, 0, 1, 1, 0)
    text = b"".join(bytes([len(s)]) + s for s in (b"stm32f4", b"builtin", b""))
    spec = struct.pack("<BB2ifiI", 9, 2, 1, 1, 0.0245, -128, 1)
    return head + sha + text + spec + spec


class FakeAgent(threading.Thread):
    """A firmware stand-in on a pty: answers HELLO with `ready` and RUN with `run_reply`."""

    def __init__(self, ready: bytes, run_reply: tuple[int, bytes] | None = None):
        super().__init__(daemon=True)
        import pty

        self.master, self.slave = pty.openpty()  # the slave stays open here: without it reads give EIO
        self.port = os.ttyname(self.slave)
        self.ready, self.run_reply = ready, run_reply

    def close(self) -> None:
        os.close(self.slave)
        os.close(self.master)

    def run(self) -> None:
        from hil.link.protocol import Frame, FrameDecoder

        decoder = FrameDecoder()
        while True:
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            for frame in decoder.feed(data):
                if not isinstance(frame, Frame):
                    continue
                if frame.type == 0x01:  # HELLO
                    os.write(self.master, _frame(0x81, frame.seq, self.ready))
                elif frame.type == 0x05 and self.run_reply:  # RUN
                    os.write(self.master, _frame(self.run_reply[0], frame.seq, self.run_reply[1]))


@pytest.mark.parametrize("case", ["counter-kind", "short-ready", "short-error"])
def test_a_malformed_frame_from_the_target_names_the_field(tmp_path, case):
    if case == "counter-kind":
        agent = FakeAgent(_ready(counter_kind=9))
    elif case == "short-ready":
        agent = FakeAgent(_ready()[:60])
    else:
        agent = FakeAgent(_ready(), run_reply=(0xFF, b"\x07\x00\x00"))
    agent.start()
    try:
        result = hil("run", HELLO, "--board", "stm32", "--port", agent.port, "--flasher", "none", "--vectors", "2",
                     timeout=900, HIL_RESULTS_DB=str(tmp_path / "r.sqlite"))
    finally:
        agent.close()
    line = one_line(result)
    if case == "counter-kind":
        assert "READY" in line and "counter_kind" in line and "9" in line and "0, 1 or 2" in line
    elif case == "short-ready":
        assert "READY" in line and "60 bytes" in line
    else:
        assert "ERROR" in line and "3 bytes" in line and "at least 8" in line


# -- defect 8: outputs that cannot be written ------------------------------------------------

SUITE = textwrap.dedent('''
    def test_measures(hil_record):
        hil_record.update(board="qemu", engine="builtin", model="m", vector=0, cycles=1000, provenance="virtual")
''')


@pytest.fixture(scope="module")
def recorded_db(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("db")
    (base / "test_synth.py").write_text(SUITE)
    result = pytest_session("test_synth.py", f"--results-db={base / 'r.sqlite'}", cwd=base)
    assert result.returncode == 0, result.stdout
    return base / "r.sqlite"


@pytest.mark.parametrize("blocked", ["--out", "--json", "--markdown"])
def test_hil_report_writes_what_it_can_and_names_what_it_could_not(tmp_path, recorded_db, blocked):
    paths = {"--out": tmp_path / "r.html", "--json": tmp_path / "r.json", "--markdown": tmp_path / "r.md"}
    paths[blocked] = under_a_file(tmp_path, "reports", "r" + paths[blocked].suffix)
    args = [a for option, path in paths.items() for a in (option, path)]
    result = hil("report", "--db", recorded_db, *args, "--no-step-summary")
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    errors = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(errors) == 1 and str(paths[blocked]) in errors[0] and blocked in errors[0], errors
    for option, path in paths.items():
        if option != blocked:
            assert path.stat().st_size > 0, option


def test_hil_report_into_a_read_only_folder_is_one_line(recorded_db, readonly_dir):
    result = hil("report", "--db", recorded_db, "--out", readonly_dir / "r.html", "--no-step-summary")
    assert result.returncode != 0 and "Traceback" not in result.stdout + result.stderr, result.stderr
    (line,) = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert str(readonly_dir / "r.html") in line and "--out" in line
    assert result.stdout.startswith("run #1 on qemu: 1 tests")  # what the report says is still printed


def test_hil_vectors_output_that_cannot_be_written_is_one_line(tmp_path):
    np.save(tmp_path / "samples.npy", np.linspace(-1, 1, 10).reshape(10, 1))
    out = under_a_file(tmp_path, "v.npz")
    line = one_line(hil("vectors", HELLO, tmp_path / "samples.npy", "-o", out))
    assert str(out) in line and "-o" in line


def test_an_unwritable_firmware_cache_is_one_line(tmp_path):
    cache = under_a_file(tmp_path, "cache")
    line = one_line(hil("run", HELLO, "--vectors", "2", HIL_CACHE_DIR=str(cache),
                        HIL_RESULTS_DB=str(tmp_path / "r.sqlite")))
    assert str(cache) in line and "HIL_CACHE_DIR" in line


def test_a_passing_session_with_unwritable_reports_still_passes_and_says_what_was_not_written(readonly_dir):
    """The quality suite passes on QEMU; its table and the results history cannot be written:
    the session still ends 0 with pytest's summary line, and one line names each file."""
    quality, db = readonly_dir / "quality.json", readonly_dir / "results.sqlite"
    result = pytest_session("test_suites/test_quality.py", "--only-model", "hello_world",
                            f"--quality-json={quality}", f"--results-db={db}")
    out = result.stdout
    assert result.returncode == 0 and "Traceback" not in out + result.stderr, out[-3000:]
    assert out.strip().splitlines()[-1].startswith("1 passed"), out[-2000:]
    assert len([ln for ln in out.splitlines() if str(quality) in ln and "--quality-json" in ln]) == 1, out[-2000:]
    assert len([ln for ln in out.splitlines() if str(db) in ln and "--results-db" in ln]) == 1, out[-2000:]


def test_nightly_with_unwritable_outputs_is_one_line(tmp_path):
    out = under_a_file(tmp_path, "nightly")
    line = one_line(hil("nightly", "--out", out, "--db", tmp_path / "r.sqlite", "--no-step-summary", "--",
                        "--only-model", "hello_world", "-k", "test_parity", "--vectors", "1"))
    assert str(out) in line and "--out" in line


def test_nightly_on_a_full_disk_says_the_history_was_not_written(tmp_path):
    """The results database lives on a full file system: pytest's results still reach the JUnit
    XML, and nightly names the database and the reason instead of 'recorded no HIL test'."""
    with mounted_tmpfs(tmp_path / "full", "size=64k") as full:
        filler = full / "filler"
        with contextlib.suppress(OSError), open(filler, "wb") as handle:
            while True:
                handle.write(b"\0" * 4096)
                handle.flush()
        db = full / "results.sqlite"
        result = hil("nightly", "--out", tmp_path / "out", "--db", db, "--no-step-summary", "--",
                     "--only-model", "hello_world", "-k", "test_parity", "--vectors", "1")
    assert result.returncode != 0 and "recorded no HIL test" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = [ln for ln in result.stderr.splitlines() if str(db) in ln]
    assert len(lines) == 1 and ("full" in lines[0] or "space" in lines[0]), result.stderr
    assert "junit" in lines[0]
    junit = (tmp_path / "out" / "junit.xml").read_text()
    assert 'tests="1"' in junit and "failures=\"0\"" in junit


def test_the_host_repeat_limit_is_the_agents():
    import re

    from hil.link.protocol import MAX_REPEAT

    source = (ROOT / "firmware" / "agent" / "hil_agent.c").read_text()
    assert int(re.search(r"#define HIL_MAX_REPEAT (\d+)", source).group(1)) == MAX_REPEAT
