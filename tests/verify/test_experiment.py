"""Experiments split along their independent axes: one task per value, merged into the outcome
the whole grid gives (the same judged points, rows, notes and extras)."""

import json
import sys

import pytest

import ratecheck
from ratecheck.cli import main
from ratecheck.verify.api import plan, split
from ratecheck.verify.experiment import Outcome, merge_outcomes
from ratecheck.verify.verdict import Judgement, Point


def _outcome(label, status="ok", notes=(), extra=None):
    point = Point(label, "exponent", -0.25, -0.25, float("nan"), float("nan"), 0.05, True)
    judgement = Judgement([point], status, list(notes))
    return Outcome(judgement, Judgement([], status, list(notes)), [{"label": label}], extra or {})


def test_merge_concatenates_points_and_rows_and_keeps_a_shared_note_once():
    merged = merge_outcomes(
        [_outcome("a", notes=("shared", "a only")), _outcome("b", notes=("shared",))]
    )
    assert [p.label for p in merged.result.points] == ["a", "b"]
    assert merged.rows == [{"label": "a"}, {"label": "b"}]
    assert merged.result.notes == ["shared", "a only"]


@pytest.mark.parametrize(
    ("statuses", "worst"),
    [
        (("ok", "ok"), "ok"),
        (("ok", "censored"), "censored"),
        (("censored", "diverged"), "diverged"),
    ],
)
def test_the_merged_status_is_the_worst(statuses, worst):
    merged = merge_outcomes([_outcome(str(i), status=s) for i, s in enumerate(statuses)])
    assert merged.result.status == merged.control.status == worst


def test_extras_unite_per_key_and_a_conflict_is_an_error():
    merged = merge_outcomes(
        [
            _outcome("a", extra={"constants": {"l2": 1.0}, "epsilon": 0.1}),
            _outcome("b", extra={"constants": {"linf": 2.0}, "epsilon": 0.1}),
        ]
    )
    assert merged.extra == {"constants": {"l2": 1.0, "linf": 2.0}, "epsilon": 0.1}
    with pytest.raises(ValueError, match="'epsilon' differs"):
        merge_outcomes([_outcome("a", extra={"epsilon": 0.1}), _outcome("b", extra={"epsilon": 1})])


def test_merging_leaves_each_part_as_it_was():
    """A part's outcome is cached after its look merges: it must not take in the other parts'
    entries (a later run of that part alone would report them)."""
    parts = [_outcome("a", extra={"tuned": {"w8": 1.0}}), _outcome("b", extra={"tuned": {"w": 2}})]
    merged = merge_outcomes(parts)
    assert merged.extra == {"tuned": {"w8": 1.0, "w": 2}}
    assert parts[0].extra == {"tuned": {"w8": 1.0}} and parts[1].extra == {"tuned": {"w": 2}}


def test_a_claim_splits_into_one_task_per_value_of_its_independent_axes():
    (task,) = plan(["deeplinear-hb-rate"], True, "numpy", 2, {"depth": (2, 3, 4)})
    parts = split(task)
    assert [dict(p.grid)["depth"] for p in parts] == [(2.0,), (3.0,), (4.0,)]
    assert all(dict(p.grid)["width"] == dict(task.grid)["width"] for p in parts)
    (whole,) = plan(["hb-acceleration"], True, "numpy", 2, None)  # no independent axis
    assert split(whole) == [whole]


def _record(verdict):
    record = verdict.record()
    for volatile in ("wall_s", "from_cache"):
        record.pop(volatile)
    for side in ("points", "control_points"):
        record[side] = sorted(record[side], key=lambda p: json.dumps(p, sort_keys=True))
    for side in ("notes", "control_notes"):
        record[side] = sorted(record.get(side, []))
    return json.dumps(record, sort_keys=True)


def test_split_tasks_give_the_numbers_of_the_whole_grid(monkeypatch):
    """The contract behind ``Axis.independent``, on a claim that declares three such axes:
    run whole (independence switched off) and split, the records are equal bit for bit."""
    claim_ids = ["deeplinear-hb-rate"]
    split_run = ratecheck.verify(claim_ids, quick=True, seeds=2)
    monkeypatch.setattr(sys.modules["ratecheck.verify.api"], "split", lambda task: [task])
    whole_run = ratecheck.verify(claim_ids, quick=True, seeds=2)
    assert [_record(v) for v in split_run] == [_record(v) for v in whole_run]


def test_an_axis_declared_independent_that_is_not_is_a_one_line_error(tmp_path, capsys):
    path = tmp_path / "coupled.py"
    path.write_text(
        "from ratecheck import Axis, claim\n\n\n"
        "@claim(id='test-coupled-axis', kind='exponent', prediction='0', tolerance=0.1,\n"
        "       statement='s', source='s', control='c', control_prediction='1',\n"
        "       grid=[Axis('n', (1, 2), (1, 2), independent=True)], seeds=(2, 2))\n"
        "def coupled(ctx):\n"
        "    '''Judges 0 and records the grid it saw (which differs between tasks).'''\n"
        "    for where in ctx.points('n'):\n"
        "        ctx.judge(0.0, method='m', where=where)\n"
        "        ctx.judge(0.0, method='m', where=where, role='control')\n"
        "    ctx.extra['seen'] = list(ctx.values('n'))\n"
    )
    out = tmp_path / "out"
    argv = ["verify", str(path), "--quick", "--quiet", "--out", str(out), "--no-cache"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "claim test-coupled-axis: extra 'seen' differs" in err[0]
    del sys.modules[next(m for m in sys.modules if m.startswith("ratecheck_claims_"))]
