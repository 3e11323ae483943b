"""Robustness on the board under test, with its real firmware: a noisy link (garbage, bit flips,
dropped bytes, truncated frames injected by hil.link.faulty_transport), oversized frames, wrong tensor
sizes, an invoke with no input, a firmware that faults and one that hangs (test-only builds), and
an emulator killed mid-run. Each case must end in the right category within its bound, and the
harness must go on (the link recovers, or a fresh target is started)."""

import os
import signal
import threading
import time

import numpy as np
import pytest

from hil.errors import Category, HilError, ProtocolError, TargetError
from hil.link.faulty_transport import Faults, FaultyTransport

MODEL = "hello_world"
MULTI_BYTE_MODEL = "digits_cnn"  # 64 input bytes: data can be short without being empty
RECOVERY_BOUND_S = 10.0


@pytest.fixture(scope="module")
def model(hil_models):
    found = next((m for m in hil_models if m.name == MODEL), None)
    if found is None:
        pytest.skip(f"robustness cases use {MODEL}, which is not selected in this run")
    return found


@pytest.fixture(scope="module")
def vector(hil, model):
    """The i-th vector's index, reusing the selected vectors when --vectors leaves fewer than a
    case needs (a hang or a fault at the third invoke works with any vector)."""
    count = len(model.vectors(hil.config.vector_limit))
    return lambda i: i % count


@pytest.fixture
def link(hil, model):
    """The model's target with its link wrapped in a fault injector (restored afterwards)."""
    target = hil.target(model)
    client = target.device.client
    faulty = FaultyTransport(client.transport, seed=7)
    client.transport = faulty
    yield target, faulty
    client.transport = faulty.inner


def assert_exact(hil, target, index):
    index %= len(target.vectors)
    outputs = hil.infer(target, target.vectors.inputs[index]).outputs
    assert target.compare(outputs, target.expected(index)).exact


def expect_category(call, category, bound_s):
    started = time.monotonic()
    with pytest.raises(HilError) as info:
        call()
    elapsed = time.monotonic() - started
    assert info.value.category == category, info.value.one_line()
    assert elapsed < bound_s, f"took {elapsed:.1f} s, bound {bound_s} s"
    return info.value


@pytest.mark.parametrize("direction", ["tx", "rx"])
@pytest.mark.parametrize("kind", ["garbage", "bit_flip", "drop", "truncate", "drop_end"])
def test_single_link_fault_is_recovered(hil, link, direction, kind):
    target, faulty = link
    faulty.once(direction, kind)
    started = time.monotonic()
    assert_exact(hil, target, 0)
    assert time.monotonic() - started < RECOVERY_BOUND_S
    assert faulty.injected[f"{direction}.{kind}"] == 1


def test_noisy_link_loses_nothing(hil, link):
    target, faulty = link
    faulty.set_rates("tx", Faults(garbage=2e-3, bit_flip=2e-3, drop=1e-3))
    faulty.set_rates("rx", Faults(bit_flip=2e-3, drop=1e-3))
    for index in range(30):
        assert_exact(hil, target, index)
    assert sum(faulty.injected.values()) > 0


def test_oversized_frame_is_refused_and_the_link_still_works(hil, link):
    target, _ = link
    device = target.device
    expect_category(lambda: device.echo(bytes(device.ready.max_payload + 1)), Category.PROTOCOL, 5)
    assert_exact(hil, target, 1)


def test_wrong_tensor_size_is_one_line_naming_sizes(hil, model):
    target = hil.target(model)
    spec = target.device.ready.inputs[0]
    wrong = np.zeros(spec.nbytes + 3, dtype=spec.np_dtype)
    with pytest.raises(ProtocolError, match=f"wants .*{spec.nbytes} bytes"):
        hil.infer(target, [wrong])
    assert_exact(hil, target, 0)  # refused before any exchange: the same target goes on


def test_run_data_one_byte_short_is_refused_by_the_target(hil, hil_models):
    """The target's own length check, bypassing the host's: a multi-byte input one byte short
    must not run on the stale byte left from the previous inference."""
    from hil.link.protocol import Msg, run_payload

    model = next((m for m in hil_models if m.name == MULTI_BYTE_MODEL), None)
    if model is None:
        pytest.skip(f"this case uses {MULTI_BYTE_MODEL}, which is not selected in this run")
    target = hil.target(model)
    total = sum(spec.nbytes for spec in target.device.ready.inputs)
    device = target.device
    error = expect_category(lambda: device.client.request(Msg.RUN, run_payload(1, bytes(total - 1)),
                                                          Msg.RUN_RESULT, 5.0), Category.TARGET_ERROR, 5)
    assert isinstance(error, TargetError) and error.code == 2 and error.detail == total, error.one_line()
    assert_exact(hil, target, 0)


def test_invoke_without_input_is_a_target_error(hil, model):
    fresh = hil.variant(())  # a new target: no input was ever set on it
    try:
        device = fresh.target(model).device
        error = expect_category(lambda: device.invoke(1), Category.TARGET_ERROR, 5)
        assert isinstance(error, TargetError) and error.code == 8
    finally:
        fresh.close()


# The faults of firmware/app/test_hooks.h (HIL_TEST_FAULT_KIND) and the exception each must raise.
FAULTS = {"bus": ("1", "BusFault"), "undef": ("2", "UsageFault"), "divzero": ("3", "UsageFault")}
# Which of them each backend can really raise, and why a backend cannot raise the others: those
# are skipped with that reason, never run and passed without faulting.
ALL_KINDS = {"bus": "", "undef": "", "divzero": ""}
FAULT_KINDS = {
    "qemu": ALL_KINDS,  # tests/test_fault_triage.py decodes each in detail
    "renode": {  # tests/test_renode_real.py checks all three on real Renode
        "bus": "Renode 1.14 logs a load from unmapped memory as a warning and reads 0: no BusFault",
        "undef": "",
        "divzero": "Renode 1.14 never traps an integer division by zero (no DIVBYZERO UsageFault)",
    },
    # Silicon raises all three (ARMv7-M); verified only on the QEMU bench stand-in, no STM32 board is attached here.
    "serial": ALL_KINDS,
}


@pytest.mark.parametrize("kind", list(FAULTS))
def test_hard_fault_is_triaged_and_the_next_target_works(hil, model, vector, kind):
    cannot = FAULT_KINDS[hil.profile.backend][kind]
    if cannot:
        pytest.skip(f"{hil.profile.name} cannot raise the '{kind}' fault: {cannot}")
    number, exception = FAULTS[kind]
    faulting = hil.variant(("HIL_TEST_FAULT_AT_INVOKE=2", f"HIL_TEST_FAULT_KIND={number}"))
    try:
        faulting.run_vector(model, vector(0))  # invoke 1 is fine; invoke 2 faults
        error = expect_category(lambda: faulting.run_vector(model, vector(1)), Category.HARD_FAULT, 10)
        assert "hil_test_fault" in str(error) and exception in str(error)
        assert faulting.run_vector(model, vector(2)).parity.exact  # a fresh target after the fault
    finally:
        faulting.close()


def test_hang_ends_in_timeout_within_its_bound(hil, model, vector):
    hanging = hil.variant(("HIL_TEST_HANG_AT_INVOKE=3",))
    try:
        hanging.run_vector(model, vector(0))
        hanging.run_vector(model, vector(1))  # the timeout now derives from these quick inferences
        expect_category(lambda: hanging.run_vector(model, vector(2)), Category.TIMEOUT, 15)
    finally:
        hanging.close()


def test_emulator_killed_mid_run_then_restarted(hil, model, vector):
    if not hil.profile.emulated:
        pytest.skip(f"{hil.profile.name} is a physical board: there is no emulator to kill")
    target = hil.target(model)
    process = target.session.process
    killer = threading.Timer(0.3, lambda: os.killpg(process.pid, signal.SIGKILL))
    killer.start()
    started = time.monotonic()
    try:
        with pytest.raises(HilError) as info:
            target.device.calibrate(4_000_000_000)  # minutes of emulated work, killed after 0.3 s
    finally:
        killer.cancel()
    process.wait(timeout=5)
    explained = target.session.explain(info.value)
    assert explained.category == Category.EMULATOR_EXITED and "exited with code -9" in explained.one_line()
    assert time.monotonic() - started < 10
    assert hil.run_vector(model, vector(1)).parity.exact  # the harness noticed and started a fresh emulator
