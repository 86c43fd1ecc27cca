"""The suite benchmark's schedule simulation and plumbing (never its timings)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ratecheck.bench.suite import (
    Look,
    run_once,
    run_suite_benchmark,
    simulate,
    two_worker_target,
)


def _claim(*looks):
    """Looks of one-stage parts: each duration its own part."""
    return [Look("c", 4 * 2**i, tuple(((s,),) for s in seconds)) for i, seconds in enumerate(looks)]


def test_one_worker_takes_the_sum_and_many_workers_the_critical_path():
    claims = [_claim((3.0, 1.0), (2.0,)), _claim((4.0,))]
    assert simulate(claims, 1) == pytest.approx(10.0)
    assert simulate(claims, 100) == pytest.approx(5.0)  # max(3 + 2, 4)


def test_longest_ready_task_first():
    claims = [_claim((1.0,)), _claim((1.0,)), _claim((2.0,))]
    assert simulate(claims, 2) == pytest.approx(2.0)  # 2 | 1 + 1


def test_a_part_that_fans_out_runs_its_pieces_side_by_side_between_its_runs():
    fanned = Look("c", 4, (((1.0,), (3.0, 3.0, 2.0), (1.0,)),))
    assert simulate([[fanned]], 1) == pytest.approx(10.0)
    assert simulate([[fanned]], 2) == pytest.approx(1.0 + 5.0 + 1.0)  # 3 | 3 + 2
    assert simulate([[fanned]], 3) == pytest.approx(5.0)
    other = Look("d", 4, (((4.0,),),))  # waits for no stage: fills the gap
    assert simulate([[fanned], [other]], 2) == pytest.approx(
        8.0
    )  # run 1 | 4, a piece 3, pieces 3 | 2, run 1


stage = st.lists(st.floats(0.01, 100), min_size=1, max_size=4).map(tuple)
part = st.lists(stage, min_size=1, max_size=3).map(tuple)
look = st.lists(part, min_size=1, max_size=3).map(tuple)


@given(st.lists(st.lists(look, min_size=1, max_size=3), min_size=1, max_size=5))
def test_simulated_wall_lies_between_the_lower_bounds_and_the_sum(shape):
    claims = [[Look("c", 4 * 2**i, parts) for i, parts in enumerate(looks)] for looks in shape]
    total = sum(s for looks in claims for k in looks for s in k.seconds)
    critical = max(
        sum(max(sum(max(st) for st in p) for p in parts) for parts in looks) for looks in shape
    )
    for workers in (1, 2, 8):
        wall = simulate(claims, workers)
        assert max(total / workers, critical) - 1e-9 <= wall <= total + 1e-9
    assert simulate(claims, 1) == pytest.approx(total)


def test_a_run_records_every_look_of_every_claim():
    result = run_once(quick=True, ids=["hb-not-global", "deeplinear-hb-rate"])
    assert result["claims"] == ["hb-not-global", "deeplinear-hb-rate"]
    assert result["wall_s"] > 0 and result["cpu_s"] > 0
    (hb,), deep = result["looks"]
    assert len(hb["parts"]) == 1  # no independent axis: one task
    assert len(deep[0]["parts"]) == 2  # one task per depth (independent axis)
    assert all(not math.isnan(s) for looks in result["looks"] for k in looks for s in k["seconds"])


def test_the_record_takes_its_tasks_from_the_parallel_run_and_names_every_target():
    from ratecheck.bench.suite import run_suite_benchmark

    result = run_suite_benchmark(quick=True, ids=["hb-not-global"], executors=((1, 0), (2, 0)))
    assert result["tasks_of"] == "2 workers" and result["tasks"] == 1
    assert [r["executor"] for r in result["runs"]] == ["1 workers", "2 workers"]
    assert {t["target"] for t in result["targets"]} == {
        "longest task / task seconds",
        "simulated wall on 32 workers (s)",
        "wall on 2 workers / (task seconds / 2)",
    }
    assert result["simulated_wall_s"][8] == pytest.approx(result["longest_task_s"])


def test_the_command_runs_the_named_claims_on_the_named_executors(tmp_path, capsys):
    import json

    from ratecheck.cli import main

    out = tmp_path / "suite.json"
    argv = ["bench", "--suite", "--quick", "--executors", "workers", "hb-not-global"]
    assert main([*argv, "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert [r["executor"] for r in result["runs"]] == ["2 workers"]
    assert [r["claims"] for r in result["runs"]] == [["hb-not-global"]]
    assert "wall on 2 workers / (task seconds / 2)" in capsys.readouterr().out


def test_a_kept_record_goes_on_where_its_last_sitting_stopped(tmp_path):
    import json

    first = run_once(quick=True, ids=["hb-not-global"], keep=tmp_path)
    both = run_once(quick=True, ids=["hb-not-global", "deeplinear-hb-rate"], keep=tmp_path)
    lines = [json.loads(line) for line in (tmp_path / "tasks.jsonl").read_text().splitlines()]
    sittings = [json.loads(line) for line in (tmp_path / "runs.jsonl").read_text().splitlines()]
    assert [r["claim"] for r in lines].count("hb-not-global") == 1  # kept, not run again
    assert {r["sitting"] for r in lines if r["claim"] == "deeplinear-hb-rate"} == {
        sittings[1]["sitting"]
    }
    assert both["sittings"] == 2 and [s["finished"] for s in sittings] == [True, True]
    assert both["wall_s"] == pytest.approx(sum(s["wall_s"] for s in sittings))
    assert both["looks"][0] == first["looks"][0]  # the first sitting's durations, read back
    assert all(not math.isnan(s) for looks in both["looks"] for k in looks for s in k["seconds"])


def test_an_interrupted_sitting_keeps_its_finished_tasks_and_its_time(tmp_path, monkeypatch):
    import json

    import ratecheck

    verify = ratecheck.verify

    def interrupted(*args, on_task, **kwargs):
        def then_stop(*task):
            on_task(*task)
            raise KeyboardInterrupt

        return verify(*args, on_task=then_stop, **kwargs)

    monkeypatch.setattr(ratecheck, "verify", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_once(quick=True, ids=["hb-not-global", "relu-gram"], keep=tmp_path)
    monkeypatch.setattr(ratecheck, "verify", verify)
    (sitting,) = [json.loads(line) for line in (tmp_path / "runs.jsonl").read_text().splitlines()]
    assert sitting["finished"] is False and sitting["wall_s"] > 0
    assert len((tmp_path / "tasks.jsonl").read_text().splitlines()) == 1
    result = run_once(quick=True, ids=["hb-not-global", "relu-gram"], keep=tmp_path)
    assert result["sittings"] == 2 and set(result["outcomes"]) == {"hb-not-global", "relu-gram"}
    assert all(not math.isnan(s) for looks in result["looks"] for k in looks for s in k["seconds"])


def test_a_killed_sitting_counts_its_wall_as_a_lower_bound_and_leaves_the_ratio_unjudged(
    tmp_path,
):
    import json

    run_once(quick=True, ids=["hb-not-global"], keep=tmp_path)
    (killed,) = [json.loads(line) for line in (tmp_path / "tasks.jsonl").read_text().splitlines()]
    (tmp_path / "runs.jsonl").unlink()  # SIGKILL: the sitting never wrote its line
    result = run_suite_benchmark(
        quick=True, ids=["hb-not-global", "relu-gram"], executors=((2, 0),), keep=tmp_path
    )
    (run,) = result["runs"]
    (sitting,) = [json.loads(line) for line in (tmp_path / "runs.jsonl").read_text().splitlines()]
    assert run["cut_off_sittings"] == [
        {"sitting": killed["sitting"], "wall_at_least_s": killed["at"]}
    ]
    assert 0 < killed["at"] and run["sittings"] == 2
    assert run["wall_s"] == pytest.approx(sitting["wall_s"] + killed["at"])
    (ratio,) = [t for t in result["targets"] if t["target"].startswith("wall on 2 workers")]
    assert ratio == two_worker_target(run["wall_s"], result["first_run_task_seconds"], True)


@pytest.mark.parametrize(
    ("wall_s", "cut_off", "passed"),
    [(10.0, False, True), (12.0, False, False), (10.0, True, None), (12.0, True, False)],
)
def test_a_lower_bound_of_the_two_worker_ratio_judges_only_a_miss(wall_s, cut_off, passed):
    target = two_worker_target(wall_s, task_seconds=20.0, cut_off=cut_off)
    assert target["measured"] == pytest.approx(wall_s / 10.0) and target["passed"] is passed


def test_a_damaged_kept_log_is_named_before_anything_runs(tmp_path):
    from ratecheck.errors import UsageError

    (tmp_path / "tasks.jsonl").write_text('{"claim": "hb-not-global", "seeds": 4, "gri')
    with pytest.raises(UsageError, match=r"tasks.jsonl line 1 is not a record of claim, seeds"):
        run_once(quick=True, ids=["hb-not-global"], keep=tmp_path)
    assert not (tmp_path / "runs.jsonl").exists() and not (tmp_path / "cache").exists()


def test_a_kept_record_refuses_a_sitting_on_other_code(tmp_path):
    import json

    from ratecheck.errors import UsageError
    from ratecheck.verify.cache import key_environment

    foreign = {**key_environment(), "code": "another"}
    line = {"sitting": "then", "wall_s": 1.0, "cpu_s": 1.0, "environment": foreign}
    (tmp_path / "runs.jsonl").write_text(json.dumps(line) + "\n")
    with pytest.raises(UsageError, match="kept by sitting then on another code"):
        run_once(quick=True, ids=["hb-not-global"], keep=tmp_path)
    assert not (tmp_path / "tasks.jsonl").exists() and not (tmp_path / "cache").exists()
