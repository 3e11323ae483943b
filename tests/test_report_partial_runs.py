"""What a report compares with (defect 2 of issue 14): a partial run between two nightlies
must not hide the second nightly's regressions; each test is compared with the latest earlier
complete run that has it, and the report names those runs."""

from __future__ import annotations

from synth_history import SLOW_FIVE, TOTAL, nightly, regression_keys, session, workdir


def test_a_partial_run_between_nightlies_hides_no_regression(tmp_path):
    """Nightly, then a developer's partial run of one model, then a nightly where five models got
    10% slower and one cycles test newly fails. Every one of them must be reported, each test
    compared with the latest earlier run that has it; the report says which runs those are."""
    base = workdir(tmp_path)
    db = tmp_path / "results.sqlite"
    rc, first, _, _ = nightly(base, db, "first")
    assert rc == 0 and first["summary"]["passed"] == TOTAL
    rc, partial, output = session(base, db, "-k", "model_a")
    assert rc == 0 and partial is not None, output
    rc, second, md, output = nightly(base, db, "second", SYNTH_SLOW=SLOW_FIVE, SYNTH_FAIL_CYCLES="model_c")
    assert rc != 0

    newly = [r for r in second["regressions"] if r["kind"] == "newly-failing"]
    assert [r["nodeid"] for r in newly] == ["synth_suite.py::test_cycles[model_c]"], second["regressions"]
    slower = {r["model"]: r for r in second["regressions"] if r["kind"] == "cycles"}
    assert sorted(slower) == SLOW_FIVE.split(","), second["regressions"]
    assert all((r["previous"], r["current"], r["tests_over"]) == (10_000, 11_000, 4) for r in slower.values())
    # the report names the runs it compared with: model_a's tests with the partial run, the rest with the nightly
    compared = {b["run_id"]: b["tests"] for b in second["compared_with"]}
    assert compared == {partial: 4, first["run"]["id"]: TOTAL - 4}, second["compared_with"]
    assert f"run #{partial}" in md and f"run #{first['run']['id']}" in md
    assert "REGRESSION [newly-failing] synth_suite.py::test_cycles[model_c]" in output


def test_the_same_nightlies_without_the_partial_run_report_the_same_regressions(tmp_path):
    base = workdir(tmp_path)
    with_partial, without = tmp_path / "with.sqlite", tmp_path / "without.sqlite"
    for db in (with_partial, without):
        nightly(base, db, f"first-{db.stem}")
    session(base, with_partial, "-k", "model_a or model_c")
    reports = [nightly(base, db, f"second-{db.stem}", SYNTH_SLOW=SLOW_FIVE, SYNTH_FAIL_CYCLES="model_c")[1]
               for db in (with_partial, without)]
    assert regression_keys(reports[0]) == regression_keys(reports[1]) and len(reports[0]["regressions"]) == 6
