"""Prepared pieces as tasks (issue 20, finer tasks): ``ctx.prepare`` names pieces that do not
depend on one another; on a parallel run each missing one runs as a task of its own, and the
claim's task runs again reading them back. The record is that of computing them in place."""

from __future__ import annotations

import textwrap
from collections import Counter

import numpy as np
import pytest

import ratecheck
from ratecheck.backend import namespace
from ratecheck.user import load_claim_file
from ratecheck.verify import api
from ratecheck.verify.cache import TaskCache
from ratecheck.verify.context import Context
from ratecheck.verify.executors import InProcess
from ratecheck.verify.experiment import PieceKept, PiecesNeeded, Settings, Stop
from ratecheck.verify.registry import unregister

PIECES = 6
CLAIM_FILE = f"""
import numpy as np
from ratecheck import claim

def square(inputs):
    g = np.random.default_rng(inputs["k"])
    return {{"value": float(g.standard_normal() ** 2)}}

@claim(id="fan-out-toy", kind="upper", prediction="4", tolerance=0, statement="E g^2 <= 4",
       source="mine", control="E g^2 <= 0.01", control_prediction="0.01",
       grid={{"n": ((1,), (1,))}}, seeds=(2, 2))
def fan_out_toy(ctx):
    \"\"\"The mean of {PIECES} squared normal draws, each a prepared piece.\"\"\"
    inputs = [{{"k": k}} for k in range({PIECES})]
    ctx.prepare("square", inputs, square)
    values = [ctx.kept("square", x, lambda x=x: square(x))["value"] for x in inputs]
    ctx.judge(float(np.mean(values)), method="draws", where={{"n": 1}})
"""


@pytest.fixture
def toy(tmp_path):
    path = tmp_path / "fan_out_toy.py"
    path.write_text(textwrap.dedent(CLAIM_FILE))
    (cid,) = load_claim_file(str(path))
    yield cid
    unregister(cid)


def _record(verdict) -> str:
    return repr({k: v for k, v in verdict.record().items() if k != "wall_s"})


def test_each_missing_piece_runs_as_its_own_task_and_the_record_is_unchanged(toy, tmp_path):
    (in_place,) = ratecheck.verify([toy], quick=True)
    tasks: list = []
    cache = TaskCache(tmp_path / "cache")
    (fanned,) = ratecheck.verify(
        [toy], quick=True, workers=2, cache=cache, on_task=lambda t, s, r: tasks.append(t)
    )
    assert _record(fanned) == _record(in_place)
    pieces = Counter(t.piece for t in tasks if t.piece is not None)
    assert sorted(pieces) == [(0, k) for k in range(PIECES)]  # each piece once, as a task
    assert sum(t.piece is None for t in tasks) == 2  # the claim's task: stopped, then finished
    assert len(list((tmp_path / "cache" / "pieces").rglob("*.json"))) == PIECES


def test_workers_that_do_not_share_the_pieces_folder_compute_the_pieces_in_the_task(
    toy, monkeypatch
):
    """Pieces stored where the next run of the task cannot see them (a remote cluster without
    a shared folder) ask for the same pieces again: the task then computes them itself."""
    monkeypatch.setattr(api, "pool", lambda workers, scheduler: InProcess())
    monkeypatch.setattr(TaskCache, "store_piece", lambda self, key, piece: None)
    tasks: list = []
    (verdict,) = ratecheck.verify(
        [toy], quick=True, workers=2, on_task=lambda t, s, r: tasks.append(t)
    )
    monkeypatch.undo()
    (in_place,) = ratecheck.verify([toy], quick=True)
    assert _record(verdict) == _record(in_place)
    runs = [t for t in tasks if t.piece is None]
    assert [t.fan_out for t in runs] == [True, True, False]


def _context(tmp_path, fan_out: bool, piece=None) -> Context:
    settings = Settings(
        True, 2, namespace("numpy"), "numpy", cache=str(tmp_path), fan_out=fan_out, piece=piece
    )
    return Context(ratecheck.get_claim("hb-polyak-transient"), settings, {})


def _value(inputs):
    return {"value": inputs["k"] * 10}


def test_prepare_stops_with_the_missing_pieces_and_a_piece_task_keeps_its_own(tmp_path):
    inputs = [{"k": k} for k in range(3)]
    with pytest.raises(Stop) as stop:
        _context(tmp_path, fan_out=True).prepare("p", inputs, _value)
    assert stop.value.result == PiecesNeeded(0, (0, 1, 2))
    with pytest.raises(Stop) as stop:
        _context(tmp_path, fan_out=True, piece=(0, 1)).prepare("p", inputs, _value)
    assert stop.value.result == PieceKept(0, 1)
    ctx = _context(tmp_path, fan_out=True)
    with pytest.raises(Stop) as stop:
        ctx.prepare("p", inputs, _value)
    assert stop.value.result == PiecesNeeded(0, (0, 2))  # piece 1 is kept now


def test_prepare_computes_in_place_without_fan_out_or_with_one_piece_missing(tmp_path):
    inputs = [{"k": k} for k in range(3)]
    ctx = _context(tmp_path, fan_out=False)
    ctx.prepare("p", inputs, _value)
    calls = []
    values = [ctx.kept("p", x, lambda x=x: calls.append(x)) for x in inputs]
    assert values == [{"value": 0}, {"value": 10}, {"value": 20}] and not calls
    ctx = _context(tmp_path, fan_out=True)
    ctx.prepare("p", [*inputs, {"k": 3}], _value)  # one missing: no task for it
    assert ctx.kept("p", {"k": 3}, lambda: calls.append(3)) == {"value": 30} and not calls


def test_prepare_does_nothing_without_a_cache_folder():
    settings = Settings(True, 2, namespace("numpy"), "numpy", fan_out=True)
    ctx = Context(ratecheck.get_claim("hb-polyak-transient"), settings, {})
    ctx.prepare("p", [{"k": 0}, {"k": 1}], lambda x: pytest.fail("computed"))
    assert np.isclose(ctx.kept("p", {"k": 2}, lambda: {"v": 1.5})["v"], 1.5)


def test_prepare_does_nothing_where_the_cache_folder_cannot_be_written(tmp_path):
    """Nothing it computed could be kept, so each kept() would compute its piece again."""
    ctx = _context(tmp_path, fan_out=True)
    ctx._piece_cache().writable = False  # as after a failed write
    ctx.prepare("p", [{"k": 0}, {"k": 1}], lambda x: pytest.fail("computed in prepare"))
