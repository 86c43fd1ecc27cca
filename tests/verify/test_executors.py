"""Executors: in-process, local processes and a Dask cluster give the same verdicts bit for bit;
an interrupted run or a dead worker keeps what finished and names what did not."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import ratecheck
from ratecheck.cli import main

CLAIMS = ["hb-polyak-transient", "ggnc-descent", "ucg-plateau"]  # the last two draw noise


def _records(verdicts):
    """Verdict records as canonical JSON (NaN == NaN there), without the wall time."""
    out = []
    for v in verdicts:
        r = v.record()
        for volatile in ("wall_s", "from_cache"):
            r.pop(volatile, None)
        out.append(json.dumps(r, sort_keys=True, default=lambda x: x.tolist()))
    return out


@pytest.fixture(scope="module")
def in_process_records():
    return _records(ratecheck.verify(CLAIMS, quick=True))


def test_local_processes_equal_in_process_bit_for_bit(in_process_records, tmp_path):
    verdicts = ratecheck.verify(CLAIMS, quick=True, workers=2, out=tmp_path)
    assert [v.claim.id for v in verdicts] == CLAIMS
    assert _records(verdicts) == in_process_records
    assert json.loads((tmp_path / "verdicts.json").read_text())["unfinished"] == []


def test_dask_cluster_equals_in_process_bit_for_bit(in_process_records):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        verdicts = ratecheck.verify(CLAIMS, quick=True, scheduler=cluster.scheduler_address)
    assert [v.claim.id for v in verdicts] == CLAIMS
    assert _records(verdicts) == in_process_records


def test_unreachable_scheduler_is_a_one_line_error(capsys):
    pytest.importorskip("distributed")
    argv = ["verify", "hb-not-global", "--quick", "--scheduler", "tcp://127.0.0.1:1"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot reach the Dask scheduler" in err


USER_CLAIMS = textwrap.dedent(
    """
    import os, time
    import sympy as sp
    from ratecheck import Claim, Provenance, claim, define_claim
    from ratecheck.verify.experiment import Outcome
    from ratecheck.verify.verdict import Judgement, Point


    def _claim(cid):
        return Claim(
            id=cid, kind="exponent", family="test", source="test", statement="test",
            prediction=lambda: sp.Integer(0), prediction_text="0", tolerance=0.1,
            experiment="test", control="test", provenance=(Provenance("x", "derived", "t"),),
        )


    def sleepy(claim, settings, grid):
        time.sleep(120)


    def dying(claim, settings, grid):
        # the other claim finishes first: its verdict is written (however loaded the machine)
        verdicts, deadline = os.environ["RATECHECK_TEST_WAIT_FOR"], time.monotonic() + 120
        while time.monotonic() < deadline and not (
            os.path.exists(verdicts) and "hb-not-global" in open(verdicts).read()
        ):
            time.sleep(0.1)
        os._exit(3)


    SLEEPY = define_claim(_claim("test-sleepy"), run=sleepy)
    DYING = define_claim(_claim("test-dying"), run=dying)


    @claim(id="test-dies-once", kind="identity", prediction="0", tolerance=0.1,
           statement="test", source="test", control="test", control_prediction="1")
    def dies_once(ctx):
        '''Its worker dies the first time it runs (a marker file); then it judges 0.'''
        marker = os.environ["RATECHECK_TEST_MARKER"]
        if not os.path.exists(marker):
            open(marker, "w").close()
            os._exit(3)
        ctx.judge(0.0, method="m", where={})
        ctx.judge(0.0, method="m", where={}, role="control")
    """
)


@pytest.fixture
def user_claims(tmp_path, monkeypatch):
    (tmp_path / "executor_test_claims.py").write_text(USER_CLAIMS)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_interrupted_run_keeps_what_finished_and_names_what_did_not(user_claims, tmp_path):
    out = tmp_path / "out"
    script = (
        "import signal, sys, executor_test_claims; from ratecheck.cli import main; "
        # a job started in the background by a non-interactive shell inherits SIGINT ignored
        "signal.signal(signal.SIGINT, signal.default_int_handler); "
        f"sys.exit(main(['verify', 'hb-not-global', 'test-sleepy', '--quick', '--out', "
        f"{str(out)!r}]))"
    )
    env = {**os.environ, "PYTHONPATH": str(user_claims)}
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stderr=subprocess.PIPE, stdout=subprocess.PIPE, env=env
    )
    deadline = time.monotonic() + 60
    while not (out / "rows" / "hb-not-global.parquet").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "not finished: test-sleepy" in err.decode()
    doc = json.loads((out / "verdicts.json").read_text())
    assert [r["claim"] for r in doc["verdicts"]] == ["hb-not-global"]
    assert doc["unfinished"] == ["test-sleepy"]
    assert main(["report", str(out)]) == 0  # what finished is usable


def test_dead_worker_is_reported_and_finished_results_kept(
    user_claims, tmp_path, capsys, monkeypatch
):
    import executor_test_claims  # noqa: F401  (registers the claims here too)

    out = tmp_path / "out"
    monkeypatch.setenv("RATECHECK_TEST_WAIT_FOR", str(out / "verdicts.json"))
    argv = ["verify", "hb-not-global", "test-dying", "--quick", "--workers", "2", "--out"]
    assert main([*argv, str(out)]) == 1
    err = capsys.readouterr().err
    assert "a worker process died while running one of: test-dying (run twice" in err
    assert "not finished: test-dying" in err
    doc = json.loads((out / "verdicts.json").read_text())
    assert [r["claim"] for r in doc["verdicts"]] == ["hb-not-global"]
    assert doc["unfinished"] == ["test-dying"]


def test_a_task_whose_worker_dies_once_runs_again(user_claims, tmp_path, monkeypatch):
    import executor_test_claims  # noqa: F401

    monkeypatch.setenv("RATECHECK_TEST_MARKER", str(tmp_path / "died"))
    verdicts = ratecheck.verify(["test-dies-once", "hb-not-global"], quick=True, workers=2)
    assert (tmp_path / "died").exists()  # the first attempt's worker died
    assert [v.outcome for v in verdicts] == ["checked", "checked"]


def test_a_pool_runs_tasks_submitted_while_it_yields():
    """A claim's next look is submitted as soon as its previous one is judged: ``finished``
    yields it too (no round barrier), on every executor."""
    from ratecheck.verify.api import plan
    from ratecheck.verify.executors import InProcess, LocalProcesses

    first, second = plan(["hb-not-global", "ggnc-descent"], True, "numpy", None, None)
    for executor in (InProcess(), LocalProcesses(2)):
        with executor:
            executor.submit(0, first)
            seen = []
            for i, _result in executor.finished():
                seen.append(i)
                if i == 0:
                    executor.submit(1, second)
        assert seen == [0, 1]


def test_local_workers_share_the_cores_and_the_environment_is_restored(monkeypatch):
    from ratecheck.verify.executors import THREAD_VARIABLES, LocalProcesses

    for name in THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MKL_NUM_THREADS", "3")  # the user's choice stays
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    with LocalProcesses(2):
        assert os.environ["OMP_NUM_THREADS"] == os.environ["OPENBLAS_NUM_THREADS"] == "4"
        assert os.environ["MKL_NUM_THREADS"] == "3"
    assert "OMP_NUM_THREADS" not in os.environ and os.environ["MKL_NUM_THREADS"] == "3"


def test_parallel_runs_start_the_longest_recorded_task_first(tmp_path):
    from ratecheck.verify.api import duration_label, longest_first, plan
    from ratecheck.verify.cache import TaskCache

    tasks = plan(["hb-not-global", "ggnc-descent", "hb-polyak-transient"], True, "numpy", 4, None)
    parts = list(enumerate(tasks))
    cache = TaskCache(tmp_path)
    assert longest_first(parts, cache.durations()) == parts  # nothing recorded: given order
    cache.record_duration(duration_label(tasks[0]), 1.0)
    cache.record_duration(duration_label(tasks[2]), 5.0)
    order = [k for k, _ in longest_first(parts, cache.durations())]
    assert order == [1, 2, 0]  # unknown, then longest
    (tmp_path / "durations.json").write_text("{not json")
    assert longest_first(parts, cache.durations()) == parts


def test_the_unrecorded_parts_of_a_claim_start_from_its_largest_grid_value():
    from ratecheck.verify.api import longest_first, plan, split

    tasks = plan(["hb-not-global", "deeplinear-hb-rate"], True, "numpy", 2, {"depth": (2, 3, 4)})
    parts = [(k, part) for k, part in enumerate(p for task in tasks for p in split(task))]
    order = [dict(task.grid).get("depth") for _, task in longest_first(parts, {})]
    assert order == [None, (4.0,), (3.0,), (2.0,)]


def test_unrecorded_tasks_that_train_networks_start_first():
    from ratecheck.verify.api import longest_first, plan

    ids = ["hb-not-global", "nn-hcm-vs-momentum-mlp", "ggnc-descent"]
    parts = list(enumerate(plan(ids, True, "numpy", 4, None)))
    assert [k for k, _ in longest_first(parts, {})] == [1, 0, 2]


def test_a_cached_parallel_run_records_every_task_duration(tmp_path):
    from ratecheck.verify.cache import TaskCache

    cache = TaskCache(tmp_path)
    ratecheck.verify(["hb-not-global", "ggnc-descent"], quick=True, workers=2, cache=cache)
    labels = sorted(cache.durations())
    assert [label.split()[0] for label in labels] == ["ggnc-descent", "hb-not-global"]
    assert all(seconds >= 0 for seconds in cache.durations().values())


def test_every_computed_task_is_reported_as_it_finishes(tmp_path):
    """on_task sees each part of a split claim once, with the tasks still in flight; a second
    run from the cache computes nothing and reports nothing."""
    from ratecheck.verify.cache import TaskCache

    def run(calls):
        ratecheck.verify(
            ["deeplinear-hb-rate"],
            quick=True,
            seeds=2,
            workers=2,
            cache=TaskCache(tmp_path),
            on_task=lambda task, seconds, running: calls.append((task, seconds, running)),
        )
        return calls

    first = run([])
    assert sorted(dict(t.grid)["depth"] for t, _, _ in first) == [(2,), (4,)]
    assert {t.claim_id for t, _, _ in first} == {"deeplinear-hb-rate"}
    assert all(s >= 0 for _, s, _ in first) and first[-1][2] == 0
    assert run([]) == []
