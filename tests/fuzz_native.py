"""Fuzz targets of the agent and the model loader (firmware/tests/fuzz): build, seed corpora and
runs. Used by tests/test_fuzz_*.py and, as a script, for long runs:

    .venv/bin/python tests/fuzz_native.py loader --seconds 1800

The seed corpora are generated, not stored: real frames from hil.link.protocol.encode for every
message type, and the real models (models/hello_world, ../shared/models/*.tflite) with
truncated and mutated variants. The third-party models are read in place, never copied into
the repository; the generated corpus lives in the cache directory.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from native import build_lock  # noqa: E402

from hil import paths
from hil.harness.build import source_hash  # noqa: E402
from hil.link.protocol import Msg, encode, get_output_payload, run_payload, set_input_payload  # noqa: E402

FUZZ_SRC = paths.firmware_dir() / "tests" / "fuzz"
# The agent target's model (HIL_FUZZ_MODEL in firmware/tests/fuzz/CMakeLists.txt): one int8 input of
# 128 bytes, so seeds can send data that is short without being empty.
AGENT_MODEL = paths.models_dir() / "anomaly_ae" / "anomaly_ae.tflite"
AGENT_INPUT_BYTES = 128
TARGETS = ("agent", "loader", "frame")
DICTS = {"agent": FUZZ_SRC / "agent.dict", "loader": FUZZ_SRC / "tflite.dict"}
REGRESSIONS = FUZZ_SRC / "regressions"


def have_libfuzzer() -> bool:
    return shutil.which("clang") is not None


def build_fuzzers(engine: str | None = None) -> Path:
    """Builds (or reuses) the fuzz targets; libFuzzer binaries when clang exists, else replay drivers."""
    engine = engine or ("libfuzzer" if have_libfuzzer() else "standalone")
    key = hashlib.sha256("\0".join([source_hash(paths.firmware_dir()), source_hash(FUZZ_SRC),
                                    source_hash(paths.firmware_dir() / "tests"), engine]).encode()).hexdigest()[:16]
    build = paths.cache_dir() / f"fuzz-{engine}-{key}"
    if (build / ".built").exists():
        return build
    with build_lock(build):
        if (build / ".built").exists():  # another xdist worker built it while we waited
            return build
        env_cc = ["-DCMAKE_C_COMPILER=clang"] if engine == "libfuzzer" else []
        generator = ["-G", "Ninja"] if shutil.which("ninja") else []
        configure = subprocess.run(["cmake", "-S", str(FUZZ_SRC), "-B", str(build), *generator, *env_cc,
                                    f"-DHIL_FUZZ_ENGINE={engine}"], capture_output=True, text=True)
        if configure.returncode:
            raise RuntimeError(f"fuzz configure failed:\n{configure.stdout[-2000:]}{configure.stderr[-2000:]}")
        result = subprocess.run(["cmake", "--build", str(build)], capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(f"fuzz build failed:\n{result.stdout[-3000:]}")
        (build / ".built").touch()
    return build


# ---- seed corpora ----

def _agent_requests() -> list[tuple[int, bytes]]:
    """One request of every message type, with payloads the agent target's model accepts, and
    the near misses of its input size (one byte short, one byte past)."""
    data = bytes(range(AGENT_INPUT_BYTES))
    return [
        (Msg.HELLO, b""),
        (Msg.SET_INPUT, set_input_payload(0, 0, data)),
        (Msg.SET_INPUT, set_input_payload(0, 1, data)),
        (Msg.INVOKE, struct.pack("<H", 2)),
        (Msg.GET_OUTPUT, get_output_payload(0, 0, 64)),
        (Msg.RUN, run_payload(1, data)),
        (Msg.RUN, run_payload(1, data[:-1])),
        (Msg.RUN, run_payload(3)),
        (Msg.PROFILE, struct.pack("<H", 0)),
        (Msg.CALIBRATE, struct.pack("<I", 100)),
        (Msg.ECHO, bytes(range(256))),
        (Msg.TRANSFER, struct.pack("<I", 32) + b"abc"),
        (Msg.LIST_TENSORS, struct.pack("<H", 0)),
        (Msg.GET_TENSOR, struct.pack("<HHII", 1, 0, 0, 64)),
        (0x42, b"unknown"),
    ]


def _all_requests() -> list[tuple[int, bytes]]:
    """_agent_requests plus any request type added to the protocol since (zero payload)."""
    known = _agent_requests()
    covered = {int(m) for m, _ in known}
    return known + [(m, bytes(12)) for m in Msg if m < 0x80 and int(m) not in covered]


def agent_seeds() -> dict[str, bytes]:
    seeds: dict[str, bytes] = {}
    requests = _all_requests()
    for i, (msg, payload) in enumerate(requests):
        frame = encode(msg, i + 1, payload)
        seeds[f"raw-{i:02d}-{int(msg):02x}"] = b"\x00" + frame
        seeds[f"struct-{i:02d}-{int(msg):02x}"] = b"\x04" + struct.pack("<BBHH", msg, 0, i + 1, len(payload)) + payload
    session = b"".join(encode(m, i + 1, p) for i, (m, p) in enumerate(requests))
    seeds["raw-session"] = b"\x00" + session
    seeds["raw-session-small-buffer"] = b"\x01" + session
    seeds["raw-session-tiny-buffer"] = b"\x02" + session
    seeds["raw-garbage-then-frame"] = b"\x00" + bytes(range(0xB0, 0xE0)) + encode(Msg.HELLO, 7)
    seeds["raw-bad-escape"] = b"\x00\xc0\x01\x00\xdb\x41\x00\xc0" + encode(Msg.HELLO, 8)
    seeds["raw-oversized"] = b"\x02" + encode(Msg.ECHO, 9, b"x" * 100) + encode(Msg.HELLO, 10)
    seeds["raw-truncated"] = b"\x00" + encode(Msg.RUN, 11, run_payload(1, b"\x01"))[:-3] + encode(Msg.HELLO, 12)
    corrupt = bytearray(encode(Msg.INVOKE, 13, struct.pack("<H", 1)))
    corrupt[3] ^= 0x10
    seeds["raw-bitflip"] = b"\x00" + bytes(corrupt)
    return seeds


def frame_seeds() -> dict[str, bytes]:
    seeds = {f"body-{int(m):02x}": encode(m, 3, p)[1:-1] for m, p in _all_requests()}
    seeds["escapes"] = bytes([0xC0, 0xDB, 0xDC, 0xDD]) * 8
    return seeds


def real_models() -> list[Path]:
    """This project's models (every models/<name>/*.tflite) and the shared third-party ones."""
    models = sorted(paths.models_dir().glob("*/*.tflite"))
    models += sorted(paths.shared_models_dir().glob("*.tflite"))
    return [m for m in models if m.is_file()]


def loader_seeds(seed: int = 1) -> dict[str, bytes]:
    """The real models, plus truncated and byte-mutated variants of each, plus the targeted
    malformed models of tests/malformed_models.py (deterministic)."""
    from malformed_models import all_cases

    rng = random.Random(seed)
    seeds: dict[str, bytes] = {}
    own = paths.models_dir() / "hello_world" / "hello_world.tflite"
    if own.is_file():
        seeds.update({f"malformed-{c.name}": c.data for c in all_cases(own.read_bytes())})
    for model in real_models():
        data = model.read_bytes()
        seeds[model.stem] = data
        for frac in (0.1, 0.5, 0.9, 0.99):
            seeds[f"{model.stem}-trunc{int(frac * 100)}"] = data[:int(len(data) * frac)]
        for k in range(4):
            mutated = bytearray(data)
            for _ in range(1 + k * 3):
                mutated[rng.randrange(min(len(data), 4096))] = rng.randrange(256)
            seeds[f"{model.stem}-mut{k}"] = bytes(mutated)
    return seeds


SEEDS = {"agent": agent_seeds, "loader": loader_seeds, "frame": frame_seeds}


def write_corpus(target: str, directory: Path) -> Path:
    """Writes the seed corpus of `target` (and its regression inputs) into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in SEEDS[target]().items():
        (directory / name).write_bytes(data)
    for path in regression_inputs(target):
        shutil.copyfile(path, directory / f"regression-{path.name}")
    return directory


def regression_inputs(target: str) -> list[Path]:
    folder = REGRESSIONS / target
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")) if folder.is_dir() else []


# ---- runs ----

@dataclass
class FuzzRun:
    target: str
    returncode: int
    executions: int
    seconds: int
    log: str
    command: list[str]

    @property
    def crashed(self) -> bool:
        return self.returncode != 0


_DONE = re.compile(r"Done (\d+) runs in (\d+) second")
_STAT = re.compile(r"#(\d+)\s+(?:pulse|NEW|REDUCE|DONE|INITED)")


def run_fuzzer(build: Path, target: str, seconds: int, corpus: Path, artifacts: Path,
               extra: tuple[str, ...] = ()) -> FuzzRun:
    """One libFuzzer run of `target` for `seconds` on one job; crash inputs go to `artifacts`."""
    artifacts.mkdir(parents=True, exist_ok=True)
    cmd = [str(build / f"fuzz_{target}"), f"-max_total_time={seconds}", "-timeout=10", "-rss_limit_mb=2048",
           "-print_final_stats=1", f"-artifact_prefix={artifacts}/"]
    if target in DICTS:
        cmd.append(f"-dict={DICTS[target]}")
    cmd += [*extra, str(corpus)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    log = result.stderr
    done = _DONE.findall(log)
    execs = int(done[-1][0]) if done else max((int(n) for n in _STAT.findall(log)), default=0)
    secs = int(done[-1][1]) if done else seconds
    return FuzzRun(target, result.returncode, execs, secs, log, cmd)


def replay(build: Path, target: str, inputs: list[Path]) -> subprocess.CompletedProcess:
    """Runs the target once on each input file (libFuzzer or the standalone driver)."""
    return subprocess.run([str(build / f"fuzz_{target}"), *map(str, inputs)], capture_output=True, text=True,
                          timeout=300)


def main() -> int:
    parser = argparse.ArgumentParser(description="build and run one fuzz target")
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--corpus", type=Path, default=None, help="corpus directory (default: in the cache)")
    args = parser.parse_args()
    build = build_fuzzers("libfuzzer")
    corpus = write_corpus(args.target, args.corpus or paths.cache_dir() / "fuzz-corpus" / args.target)
    artifacts = paths.cache_dir() / "fuzz-artifacts" / args.target
    run = run_fuzzer(build, args.target, args.seconds, corpus, artifacts)
    print(" ".join(run.command))
    print(run.log[-3000:])
    print(f"{args.target}: {run.executions} executions in {run.seconds} s, exit code {run.returncode}")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
