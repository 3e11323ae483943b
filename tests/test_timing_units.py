"""hil.verdicts.timing without a target: counter ticks to cycles for each counter kind, the
latency and the clock's description, the timeout policy's arithmetic, the statistics a timing
verdict reports, and the deadline and max_cycles messages."""

import dataclasses

import pytest

from hil.link.protocol import CounterKind
from hil.verdicts.timing import (
    DWT,
    SYSTICK,
    VIRTUAL,
    Clock,
    TimeoutPolicy,
    TimingStats,
    deadline_failure,
    deadline_margin,
)


def _ready(kind: CounterKind, counter_hz: int):
    return type("ReadyLike", (), {"counter_kind": kind, "counter_hz": counter_hz})


def test_silicon_clock_provenance_follows_the_counter_kind():
    dwt = Clock.from_ready(_ready(CounterKind.DWT, 168_000_000), emulated=False, cpu_hz=168_000_000,
                           instructions_per_tick=None)
    systick = Clock.from_ready(_ready(CounterKind.SYSTICK, 1_000_000), emulated=False, cpu_hz=64_000_000,
                               instructions_per_tick=40)
    assert dwt == Clock(DWT, 168_000_000, 168_000_000)
    assert systick == Clock(SYSTICK, 64_000_000, 1_000_000)  # instructions per tick is an emulator figure


def test_from_ready_takes_its_settings_by_keyword_only():
    with pytest.raises(TypeError):
        Clock.from_ready(_ready(CounterKind.DWT, 1), False, 1, None)


def test_silicon_ticks_scale_by_core_clock_over_counter_clock():
    systick = Clock(SYSTICK, 64_000_000, 1_000_000)
    assert systick.cycles(10) == 640
    assert Clock(SYSTICK, 100, 3).cycles(1) == 33  # rounded to the nearest cycle
    assert Clock(DWT, 64_000_000, 0).cycles(123) == 123  # no counter clock reported: ticks are cycles


def test_instructions_per_tick_applies_to_emulator_clocks_only():
    assert Clock(VIRTUAL, 25_000_000, 1_000_000, 2.5).cycles(3) == 8  # 7.5 rounds to even
    assert Clock(VIRTUAL, 25_000_000, 1_000_000, None).cycles(3) == 75  # no calibration: the clock ratio
    assert Clock(DWT, 25_000_000, 1_000_000, 2.5).cycles(3) == 75


def test_latency_is_cycles_over_the_core_clock():
    assert Clock(DWT, 50_000_000, 50_000_000).latency_us(125) == 2.5


def test_clock_describes_where_its_cycles_come_from():
    assert Clock(VIRTUAL, 64_500_000, 25_000_000, 40).describe() == (
        "virtual cycles (emulator instruction counts, 40 instructions per counter tick; latency at 64.5 MHz)")
    assert Clock(DWT, 168_000_000, 168_000_000).describe() == "dwt cycles at 168 MHz"
    assert Clock(SYSTICK, 64_500_000, 1_000).describe() == "systick cycles at 64.5 MHz"


def test_a_clock_is_an_immutable_value():
    clock = Clock(DWT, 1, 1)
    assert {clock: 1}[Clock(DWT, 1, 1)] == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        clock.cpu_hz = 2


def test_transfer_timeout_is_base_plus_margin_times_link_time_capped():
    policy = TimeoutPolicy()  # 2 s + 5 x (bytes at 5 kB/s), at most 300 s
    assert policy.transfer(0) == 2.0
    assert policy.transfer(5_000) == 7.0
    assert policy.transfer(10_000_000) == 300.0
    assert TimeoutPolicy(base_s=1.0, link_bytes_per_s=100.0, margin=2.0).transfer(50) == 2.0


def test_first_invoke_allows_a_minute_per_repetition_plus_the_transfer():
    policy = TimeoutPolicy()
    assert policy.invoke(3, 5_000) == 60.0 * 3 + 7.0
    assert policy.invoke(0, 0) == 62.0  # at least one repetition
    assert policy.invoke(10, 0) == 300.0  # capped


def test_later_invokes_allow_a_margin_over_the_slowest_run_seen():
    policy = TimeoutPolicy()
    policy.observe_run(0.5)
    policy.observe_run(0.25)  # a faster run does not lower the expectation
    assert policy.slowest_run_s == 0.5
    assert policy.invoke(4, 5_000) == 7.0 + 5.0 * 4 * 0.5
    assert policy.invoke(1_000, 0) == 300.0
    assert TimeoutPolicy(margin=3.0, slowest_run_s=2.0).invoke(2, 0) == 2.0 + 3.0 * 2 * 2.0


def _stats(samples: list[int], cpu_hz: int = 1_000_000) -> TimingStats:
    return TimingStats(samples, samples[:1], Clock(VIRTUAL, cpu_hz, cpu_hz, 1), len(samples), 1)


def test_summary_reports_worst_case_percentiles_and_jitter():
    stats = _stats([1000 * k for k in range(1, 101)])  # 1,000 .. 100,000 cycles at 1 MHz
    assert (stats.wcet, stats.bcet, stats.jitter) == (100_000, 1_000, 99_000)
    assert stats.summary() == ("WCET 100,000 cycles = 100.0 ms, p50 50.5 ms, p99 99.0 ms, jitter 99,000 cycles "
                               "(99.0 ms) over 100 inferences (100 vectors x 1) [virtual]")


def test_record_holds_cycles_and_latencies_of_every_statistic():
    stats = _stats([1000 * k for k in range(1, 101)], cpu_hz=2_000_000)  # 1 cycle = 0.5 us
    assert stats.record() == {
        "cycles": 100_000, "cycles_min": 1_000, "wcet": 100_000, "p50": 50_500.0, "p99": 99_010.0,
        "jitter": 99_000, "wcet_us": 50_000.0, "p50_us": 25_250.0, "p99_us": 49_505.0, "jitter_cycles": 99_000,
        "latency_us": 50_000.0, "provenance": VIRTUAL, "cpu_hz": 2_000_000, "inferences": 100}


def test_deadline_message_gives_the_miss_and_the_relative_margin():
    stats = _stats([100, 300])
    message = deadline_failure(stats, deadline_us=200)
    assert message.startswith("deadline 200 us missed by 100.0 us (margin -100.0 us, -50.0%): WCET 300 cycles")
    assert deadline_failure(stats, deadline_us=400) is None  # well inside: no failure either way


def test_max_cycles_message_and_both_limits_together():
    stats = _stats([100, 300])
    assert deadline_failure(stats, max_cycles=400) is None
    both = deadline_failure(stats, deadline_us=250, max_cycles=200)
    assert both.startswith("deadline 250 us missed by 50.0 us (margin -50.0 us, -20.0%); "
                           "max_cycles 200 exceeded by 100 cycles: WCET 300 cycles")


def test_deadline_margin_is_what_the_worst_case_leaves():
    assert deadline_margin(_stats([100, 300]), 400) == "deadline 400 us, margin 100.0 us (+25.0%)"
    assert deadline_margin(_stats([500]), 400) == "deadline 400 us, margin -100.0 us (-25.0%)"
