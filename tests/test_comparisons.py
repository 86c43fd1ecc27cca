"""Comparisons under the tuning protocol (ratecheck/comparisons.py): the methods table, tuning
with its one extension, paired final runs, the judged points, the reported notes and rows, and
the one-line errors of a user comparison. Tiny budgets and widths: plumbing, not results."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")

import ratecheck  # noqa: E402
from ratecheck import comparisons as cmp  # noqa: E402
from ratecheck.errors import UsageError  # noqa: E402
from ratecheck.verify.context import Context  # noqa: E402
from ratecheck.verify.experiment import Settings  # noqa: E402
from ratecheck.verify.tuning import SearchSpace, Selection  # noqa: E402
from ratecheck.workloads import WORKLOADS  # noqa: E402

TINY = {"budget": (12,), "width": (8,)}


def _context(cid="nn-hcm-vs-momentum-mlp", seeds=3, grid=TINY):
    settings = Settings(quick=True, seeds=seeds, xp=np, backend="numpy", overrides={})
    return Context(ratecheck.get_claim(cid), settings, grid)


@pytest.mark.parametrize("name", list(cmp.METHODS))
def test_every_method_trains_a_step_and_has_equal_trials(name):
    m = cmp.METHODS[name]
    assert len(m.quick.trials) == 5 and len(m.full.trials) == 14
    setup = cmp.Setup(WORKLOADS["mlp"], 2 * m.calls_per_step, 8)
    (run,) = cmp.train_runs(m, setup, [0], m.quick.trials[0], checkpoints=1)
    assert np.isfinite(run.loss).all() and run.calls[-1] == 2 * m.calls_per_step


def test_unknown_method_names_the_valid_ones():
    with pytest.raises(UsageError, match="unknown method 'adam'; valid: hcm, momentum"):
        cmp.method("adam")


def test_tune_extends_an_edge_selection_once(monkeypatch):
    """A score that keeps falling towards large learning rates: the first selection is on the
    high edge, the grid is extended once by EXTEND_BY values, and the new selection is still
    on the edge (then the comparison is inconclusive)."""
    searched = []

    def fake(m, setup, seeds, space):
        searched.append(space.lr_log2)
        return {t: np.array([-t[0], -t[0]]) for t in space.trials}

    monkeypatch.setattr(cmp, "sensitivity", fake)
    space = SearchSpace((-3.0, -2.0, -1.0), (0.9,))
    chosen, losses = cmp.tune(cmp.METHODS["sgd"], cmp.Setup(None, 10, 8), [1, 2], space)
    assert searched == [(-3.0, -2.0, -1.0), (0.0, 1.0)]
    assert (chosen.lr_log2, chosen.edge, chosen.trials) == (1.0, 1, 5) and len(losses) == 5


def test_a_method_against_itself_is_paired_seed_by_seed(monkeypatch):
    """A and B see the same initializations and minibatches: SGD against SGD (tuning replaced by
    a fixed interior choice) differs by exactly 0 at every seed, while the A/A control (another
    minibatch order) does not."""
    chosen = Selection(-4.0, 0.9, 1.0, 0, 1)
    monkeypatch.setattr(cmp, "tune", lambda *args, **kw: (chosen, {chosen.trial: np.ones(1)}))
    ctx = _context()
    cmp.comparison(ctx, "mlp", "sgd", "sgd", baselines=())
    outcome = ctx.outcome()
    assert [p.label.rsplit(", ", 1)[1] for p in outcome.result.points] == list(cmp.JUDGED)
    for p in outcome.result.points:
        assert p.measured == p.ci_low == p.ci_high == 0.0 and p.outcome() != "holds"
        assert "no significant difference" in p.note and "P(sgd < sgd) = 0.50" in p.note
    assert all(p.ci_high > p.ci_low for p in outcome.control.points)


def test_comparison_tunes_every_method_and_reports_its_choices_rows_and_notes():
    ctx = _context(seeds=2)
    spaces = SearchSpace((-5.0, -4.0, -3.0), (0.1,)), SearchSpace((-9.0, -8.0, -7.0), (0.9,))
    hcm = cmp.Method("hcm", cmp.METHODS["hcm"].make, spaces[0], spaces[0], "", 2, True, True)
    momentum = cmp.Method("momentum", cmp.METHODS["momentum"].make, spaces[0], spaces[0], "")
    adamw = cmp.Method("adamw", cmp.METHODS["adamw"].make, spaces[1], spaces[1], "")
    cmp.comparison(ctx, "mlp", hcm, momentum, baselines=(adamw,), tuning_seeds=(1, 1))
    outcome = ctx.outcome()
    where = {"budget": 12, "width": 8}
    assert [(p.method, p.where) for p in outcome.result.points] == [("hcm", where)] * 2
    assert [(p.method, p.where) for p in outcome.control.points] == [("momentum", where)] * 2
    assert all(p.predicted == 0.0 and p.tolerance == 0.05 for p in outcome.result.points)
    tuned = outcome.extra["tuned"]["width 8, budget 12"]
    assert set(tuned) == {"hcm", "momentum", "adamw"}
    assert tuned["hcm"]["trials"] in (3, 5) and tuned["hcm"]["lr"] in 2.0 ** np.arange(-7, 0)
    notes = " ".join(outcome.result.notes)
    assert "tuned hcm lr 2^" in notes and "log(hcm/adamw) of the final val_loss" in notes
    assert "at equal steps (momentum after 6 calls)" in notes
    curves = {(r["method"], r["metric"]) for r in outcome.rows if r["t"] >= 0}
    assert curves == {(m, c) for m in tuned for c in cmp.CURVES}
    sensitivity = [r for r in outcome.rows if r["metric"] == cmp.SENSITIVITY]
    assert {r["method"] for r in sensitivity} == {f"width 8/{m}" for m in tuned}
    assert {r["x"] for r in sensitivity if r["method"] == "width 8/adamw"} >= {2.0**-9, 2.0**-7}


def test_a_selection_still_on_the_edge_leaves_the_comparison_inconclusive():
    """SGD whose grid stops far below its useful learning rates: selected on the high edge, once
    extended and still there; its points are judged NaN (inconclusive) with the measured
    difference in the note."""
    ctx = _context(seeds=2)
    low = SearchSpace((-20.0, -19.0), (0.9,))
    sgd = cmp.Method("sgd", cmp.METHODS["sgd"].make, low, low, "")
    adamw = cmp.Method("adamw", cmp.METHODS["adamw"].make, low, low, "")
    cmp.comparison(ctx, "mlp", sgd, adamw, baselines=())
    outcome = ctx.outcome()
    assert all(np.isnan(p.measured) for p in outcome.result.points)
    assert all("measured" in p.note for p in outcome.result.points)
    assert any("on the edge of its grid after one extension" in n for n in outcome.result.notes)
    assert outcome.extra["tuned"]["width 8, budget 12"]["sgd"] == {
        "lr": 2.0**-17,
        "momentum": 0.9,
        "trials": 4,
        "edge": 1,
    }


def test_a_budget_below_one_step_is_a_usage_error():
    ctx = _context(grid={"budget": (1,), "width": (8,)})
    with pytest.raises(UsageError, match="budget=1 is smaller than one step of hcm"):
        cmp.comparison(ctx, "mlp", "hcm", "momentum", baselines=())


USER_CLAIM = """
from ratecheck import Context, claim
from ratecheck.comparisons import METHODS, Method, comparison, comparison_grid
from ratecheck.verify.tuning import SearchSpace

EMPTY = Method("empty", METHODS["sgd"].make, SearchSpace((), (0.9,)), SearchSpace((), (0.9,)), "")

@claim(id="my-comparison", kind="comparison", statement="A beats B", source="mine",
       prediction=0, tolerance=0.05, control="A/A", grid=comparison_grid((12, 12), ((8,), (8,))),
       seeds=(2, 2), requires=("torch", "sklearn"))
def my_comparison(ctx: Context) -> None:
    \"\"\"A user comparison.\"\"\"
    comparison(ctx, "mlp", {a}, "sgd", baselines=())
"""


@pytest.mark.parametrize(
    "a, grid, message",
    [
        ("'adam'", [], "unknown method 'adam'; valid: hcm, momentum, scion"),
        ("EMPTY", [], "the search space of empty is empty"),
        ("'hcm'", ["--grid", "budget=1"], "budget=1 is smaller than one step of hcm"),
    ],
)
def test_a_broken_user_comparison_exits_2_with_one_line(tmp_path, a, grid, message):
    path = tmp_path / "my_claims.py"
    path.write_text(textwrap.dedent(USER_CLAIM.format(a=a)))
    command = [sys.executable, "-m", "ratecheck", "verify", str(path), "--quick", "--no-cache"]
    out = subprocess.run(
        [*command, "--out", str(tmp_path / "res"), *grid],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and message in out.stderr
    assert "Traceback" not in out.stderr


KEPT_CLAIM = """
from ratecheck import Context, claim
from ratecheck.comparisons import comparison, comparison_grid

@claim(id="kept-comparison", kind="comparison", statement="SGD beats AdamW", source="mine",
       prediction=0, tolerance=0.05, control="A/A", grid=comparison_grid((12, 12), ((8,), (8,))),
       seeds=(2, 2), requires=("torch", "sklearn"))
def kept_comparison(ctx: Context) -> None:
    \"\"\"SGD against AdamW on a tiny MLP.\"\"\"
    comparison(ctx, "mlp", "sgd", "adamw", baselines=(), tuning_seeds=(1, 1))
"""


def test_an_interrupted_comparison_keeps_its_finished_training_runs(tmp_path, monkeypatch):
    """Every finished training run is kept in the cache: run again after losing the task's own
    entry (an interruption before the claim finished), the comparison trains nothing and gives
    the same record, bit for bit."""
    import importlib

    from ratecheck.user import load_claim_file
    from ratecheck.verify.cache import TaskCache

    training = importlib.import_module("ratecheck.workloads.train")

    path = tmp_path / "kept.py"
    path.write_text(textwrap.dedent(KEPT_CLAIM))
    (cid,) = load_claim_file(str(path))
    cache = TaskCache(tmp_path / "cache")
    (first,) = ratecheck.verify([cid], quick=True, cache=cache)
    assert list((tmp_path / "cache" / "pieces").rglob("*.json"))
    for entry in (tmp_path / "cache").glob("*/*.json"):  # the task's entry, not its pieces
        entry.unlink()

    def no_training(*args, **kwargs):
        raise AssertionError("a kept training run was computed again")

    monkeypatch.setattr(training, "train", no_training)
    (second,) = ratecheck.verify([cid], quick=True, cache=cache)
    first, second = (_numbers(v.record()) for v in (first, second))
    assert second == first and "tuned sgd lr 2^" in first


def _numbers(record: dict) -> str:
    """A record without its wall time: every point, note and tuned choice, as text (NaN-safe)."""
    return repr({k: v for k, v in record.items() if k != "wall_s"})


def test_a_comparison_split_by_width_gives_the_numbers_of_the_whole_grid(tmp_path, monkeypatch):
    """Budget and width are independent axes: each (budget, width) is its own task, and the
    merged record equals the record of the whole grid run as one task, bit for bit (the notes
    in the same order)."""
    from ratecheck.user import load_claim_file
    from ratecheck.verify.api import plan, split

    path = tmp_path / "widths.py"
    path.write_text(
        textwrap.dedent(
            KEPT_CLAIM.replace("((8,), (8,))", "((8, 12), (8, 12))").replace(
                "kept-comparison", "widths-comparison"
            )
        )
    )
    (cid,) = load_claim_file(str(path))
    (task,) = plan([cid], True, "numpy", None, None)
    assert [dict(p.grid)["width"] for p in split(task)] == [(8.0,), (12.0,)]
    (split_run,) = ratecheck.verify([cid], quick=True)
    monkeypatch.setattr(sys.modules["ratecheck.verify.api"], "split", lambda task: [task])
    (whole_run,) = ratecheck.verify([cid], quick=True)
    assert _numbers(split_run.record()) == _numbers(whole_run.record())
    assert "width 12" in _numbers(split_run.record())


def test_a_comparison_on_workers_trains_its_runs_as_tasks_with_the_same_numbers(tmp_path):
    """On a parallel run every tuning trial and final run is a task of its own
    (``prepare_runs``), each trained once; the record equals the in-place run's (torch on one
    thread in both, as each of two workers gets on two cores)."""
    from ratecheck.user import load_claim_file

    path = tmp_path / "fanned.py"
    path.write_text(textwrap.dedent(KEPT_CLAIM).replace("kept-comparison", "fanned-comparison"))
    (cid,) = load_claim_file(str(path))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        (in_place,) = ratecheck.verify([cid], quick=True)
    finally:
        torch.set_num_threads(threads)
    tasks = []
    (fanned,) = ratecheck.verify(
        [cid], quick=True, workers=2, on_task=lambda task, s, r: tasks.append(task)
    )
    assert _numbers(fanned.record()) == _numbers(in_place.record())
    pieces = [t.piece for t in tasks if t.piece is not None]
    assert len(pieces) == len(set(pieces)) > 2 * 2  # more than the tuning trials of one method
