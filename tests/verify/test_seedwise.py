"""Seedwise measurements (issue 20, per-seed-block tasks): a claim's per-seed work is computed
one seed block at a time and kept per block, so that a later look with twice the seeds computes
only its new seeds; the blocks give the numbers of one run over all seeds."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

import ratecheck
from ratecheck.backend import namespace
from ratecheck.verify.cache import TaskCache
from ratecheck.verify.context import Context
from ratecheck.verify.experiment import Settings
from ratecheck.verify.registry import get_claim, get_experiment, unregister
from ratecheck.verify.runner import Trace

TOY = "test-seedwise-toy"
computed: list[tuple[int, int]] = []  # (first seed, seeds) of every block the toy computed


def _draw(ctx: Context) -> dict[str, np.ndarray]:
    """Each seed's own draws: a statistic that depends on that seed's streams alone."""
    computed.append((int(ctx.streams({"n": 1}).first_seed), ctx.seeds))
    return {"x": np.array([g.standard_normal(3).sum() for g in ctx.streams({"n": 1}).problem])}


@pytest.fixture
def toy():
    @ratecheck.claim(
        id=TOY,
        kind="identity",
        prediction="0",
        tolerance=0.1,
        statement="s",
        source="s",
        control="c",
        control_prediction="1",
        grid={"n": ((1,), (1,))},
        seeds=(2, 4),
    )
    def toy_claim(ctx):
        """Judges the mean of each seed's draws."""
        x = ctx.seedwise("draw", {}, lambda: _draw(ctx))["x"]
        ctx.judge(float(np.mean(x)), method="m", where={"n": 1})

    computed.clear()
    yield get_claim(TOY)
    unregister(TOY)


def _context(claim, seeds: int, cache=None, quick=True) -> Context:
    settings = Settings(quick, seeds, namespace("numpy"), "numpy", cache=cache)
    return Context(claim, settings, {"n": (1,)})


@pytest.mark.parametrize(
    "seeds, blocks",
    [
        (2, [(0, 2)]),
        (4, [(0, 2), (2, 2)]),
        (16, [(0, 2), (2, 2), (4, 4), (8, 8)]),
        (6, [(0, 6)]),  # not a look's seeds: one block
        (3, [(0, 3)]),
    ],
)
def test_the_blocks_are_the_looks_seeds(toy, seeds, blocks):
    assert _context(toy, seeds).seed_blocks() == blocks


def test_probe_streams_are_the_first_looks_at_every_look(toy):
    draws = [_draw_probe(_context(toy, seeds)) for seeds in (2, 4, 8)]
    assert all(np.array_equal(d, draws[0]) for d in draws) and draws[0].shape == (2, 3)
    assert _draw_probe(_context(toy, 6)).shape == (6, 3)  # not a look's seeds: all of them


def _draw_probe(ctx: Context) -> np.ndarray:
    return np.array([g.standard_normal(3) for g in ctx.probe_streams({"n": 1}).problem])


def test_blocks_give_the_numbers_of_one_run_over_all_seeds(toy):
    ctx = _context(toy, 8)
    by_blocks = ctx.seedwise("draw", {}, lambda: _draw(ctx))["x"]
    assert computed == [(0, 2), (2, 2), (4, 4)]
    whole = _draw(_context(toy, 8))["x"]
    assert np.array_equal(by_blocks, whole)


def test_a_later_look_computes_only_its_new_seeds(toy, tmp_path):
    first = _context(toy, 2, cache=str(tmp_path))
    x2 = first.seedwise("draw", {}, lambda: _draw(first))["x"]
    later = _context(toy, 4, cache=str(tmp_path))
    x4 = later.seedwise("draw", {}, lambda: _draw(later))["x"]
    assert computed == [(0, 2), (2, 2)]  # the later look read block (0, 2) back
    assert np.array_equal(x4[:2], x2)
    fresh = _context(toy, 4)
    assert np.array_equal(fresh.seedwise("draw", {}, lambda: _draw(fresh))["x"], x4)


def test_verify_takes_a_second_look_from_kept_blocks(toy, tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules["ratecheck.verify.api"], "undecided", lambda outcome: True)
    (verdict,) = ratecheck.verify([TOY], quick=True, cache=TaskCache(tmp_path))
    assert verdict.extra["seeds_per_look"] == [2, 4]
    assert computed == [(0, 2), (2, 2)]


def test_a_run_without_a_cache_still_reuses_its_own_earlier_looks(toy, monkeypatch):
    monkeypatch.setattr(sys.modules["ratecheck.verify.api"], "undecided", lambda outcome: True)
    (verdict,) = ratecheck.verify([TOY], quick=True)
    assert verdict.extra["seeds_per_look"] == [2, 4]
    assert computed == [(0, 2), (2, 2)]


def test_seedwise_each_gives_each_items_numbers_of_its_own_seedwise_call(toy, tmp_path):
    """Items measured together give, item by item, the arrays of one seedwise call each, and
    every (item, seed block) is one piece of a single prepare batch."""

    def draw(ctx: Context, n: int) -> dict[str, np.ndarray]:
        return {"x": np.array([g.standard_normal(3).sum() for g in ctx.streams({"n": n}).problem])}

    together = _context(toy, 8, cache=str(tmp_path / "each"))
    items = [{"n": 1}, {"n": 2}]
    each = together.seedwise_each("draw", items, lambda x: draw(together, x["n"]))
    assert together._batches == 1
    for item, measured in zip(items, each):
        alone = _context(toy, 8)
        single = alone.seedwise("draw", item, lambda a=alone, n=item["n"]: draw(a, n))
        assert np.array_equal(measured["x"], single["x"]) and measured["x"].shape == (8,)
    assert not np.array_equal(each[0]["x"], each[1]["x"])
    pieces = list((tmp_path / "each" / "pieces").rglob("*.json"))
    assert len(pieces) == 2 * 3  # 2 items × the seed blocks (0, 2), (2, 2), (4, 4)


def test_by_look_false_measures_all_the_runs_seeds_as_one_block(toy):
    ctx = _context(toy, 8)
    (whole,) = ctx.seedwise_each("draw", [{}], lambda _: _draw(ctx), by_look=False)
    assert computed == [(0, 8)]
    assert np.array_equal(whole["x"], _draw(_context(toy, 8))["x"])


@pytest.mark.parametrize(
    "seeds, size, pieces",
    [
        (8, 1, [(k, 1) for k in range(8)]),
        (8, 3, [(0, 2), (2, 2), (4, 3), (7, 1)]),  # within each look's block
        (8, 8, [(0, 2), (2, 2), (4, 4)]),
    ],
)
def test_pieces_of_a_few_seeds_give_the_numbers_of_whole_blocks(toy, seeds, size, pieces):
    ctx = _context(toy, seeds)
    (cut,) = ctx.seedwise_each("draw", [{}], lambda _: _draw(ctx), seeds_per_piece=size)
    assert computed == pieces
    assert np.array_equal(cut["x"], _draw(_context(toy, seeds))["x"])


def test_a_later_look_reads_back_its_earlier_looks_pieces(toy, tmp_path):
    first = _context(toy, 2, cache=str(tmp_path))
    (x2,) = first.seedwise_each("draw", [{}], lambda _: _draw(first), seeds_per_piece=1)
    later = _context(toy, 4, cache=str(tmp_path))
    (x4,) = later.seedwise_each("draw", [{}], lambda _: _draw(later), seeds_per_piece=1)
    assert computed == [(0, 1), (1, 1), (2, 1), (3, 1)]  # (0, 1), (1, 1) computed once
    assert np.array_equal(x4["x"][:2], x2["x"])


def test_seeds_per_piece_must_be_positive(toy):
    ctx = _context(toy, 2)
    with pytest.raises(ValueError, match="seeds_per_piece must be a positive number of seeds"):
        ctx.seedwise_each("draw", [{}], lambda _: _draw(ctx), seeds_per_piece=0)


def test_a_compute_that_stores_rows_or_judges_is_an_error(toy):
    ctx = _context(toy, 2)

    def judging() -> dict[str, np.ndarray]:
        ctx.judge(0.0, method="m", where={"n": 1})
        return {"x": np.zeros(2)}

    with pytest.raises(ValueError, match="must only measure"):
        ctx.seedwise("judge", {}, judging)


def test_a_compute_must_return_one_row_per_seed_of_its_block(toy):
    ctx = _context(toy, 4)
    with pytest.raises(ValueError, match="leading axis of the block's 2 seeds"):
        ctx.seedwise("wrong", {}, lambda: {"x": np.zeros(4)})


def test_a_kept_block_keeps_its_diverged_status(toy, tmp_path):
    def diverging(ctx: Context) -> dict[str, np.ndarray]:
        status = np.array(["diverged"] + ["ok"] * (ctx.seeds - 1))
        none = np.zeros(1)
        ctx.track(Trace(none, {}, none, none, status, np.zeros(ctx.seeds, int)))
        return {"x": np.zeros(ctx.seeds)}

    for _ in range(2):  # computed, then read back
        ctx = _context(toy, 2, cache=str(tmp_path))
        ctx.seedwise("diverging", {}, lambda c=ctx: diverging(c))
        assert ctx.outcome().result.status == "diverged"


# The built-in claims that measure seedwise (horizon_sweep, momentum_ablation, eps_sweeps,
# lower-bound-dimension's hitting calls, ucg-plateau's running minima), each with a small
# grid: a look that reads its first half of seeds back from the previous look must give the
# numbers of one run over all its seeds, bit for bit.
SEEDWISE_CLAIMS = {
    "transported-scion-complexity": {"K": (100, 200), "p": (2.0,)},
    "ggnc-stochastic-rate": {"n": (100, 200), "geometry": ("spectral",)},
    "lower-bound-eps": {"chain": (4, 8), "p": (2.0,)},
    "scion-heavy-tail-complexity": {"chain": (4, 8), "p": (2.0,)},
    "hcm-lmo-rate": {"K": (100, 200), "geometry": ("l2",)},
    "hcm-relaxed-smoothness": {"K": (100, 200), "geometry": ("linf",)},
    "schattor-rate": {"K": (100, 200)},
    "lower-bound-dimension": {"r": (1, 2)},
    "ucg-plateau": {"geometry": ("l2",), "steps": (400,)},
    "schattor-multiblock": {"disparity": (1.0, 10.0), "blocks": (2, 4)},
    "lmo-momentum-rate": {"K": (100, 200), "geometry": ("spectral",)},
}
# hcm-lmo-rate, hcm-relaxed-smoothness and schattor-rate take Δ from the first look's seeds
# (ctx.probe_streams); measured seedwise with Δ the maximum over the run's seeds, as before,
# hcm-lmo-rate's look from kept blocks differed from one run over all its seeds.


def _record(verdict) -> str:
    record = {k: v for k, v in verdict.record().items() if k not in ("wall_s", "from_cache")}
    return json.dumps(record, sort_keys=True, allow_nan=True)


@pytest.mark.parametrize("claim_id", sorted(SEEDWISE_CLAIMS))
def test_a_later_look_from_kept_blocks_gives_the_numbers_of_one_run(
    claim_id, tmp_path, monkeypatch
):
    grid, cache = SEEDWISE_CLAIMS[claim_id], TaskCache(tmp_path)
    first = get_experiment(claim_id).seeds_quick
    ratecheck.verify([claim_id], quick=True, seeds=first, grid=grid, cache=cache)  # kept
    (later,) = ratecheck.verify([claim_id], quick=True, seeds=2 * first, grid=grid, cache=cache)
    monkeypatch.setattr(Context, "seed_blocks", lambda self: [(0, self.settings.seeds)])
    (whole,) = ratecheck.verify([claim_id], quick=True, seeds=2 * first, grid=grid)
    assert _record(later) == _record(whole)


def test_a_parallel_run_computes_a_looks_seed_blocks_as_tasks_with_the_same_numbers(
    tmp_path, monkeypatch
):
    """A run that starts at a third look (16 seeds) misses three seed blocks (the looks' 4, 4
    and 8 seeds) of every (method, K); on two workers each (method, K, block) is a task of its
    own (``Context.prepare``), and they give the numbers of one run over all the seeds."""
    ids, grid = ["transported-scion-complexity", "schattor-rate"], {"K": (100, 200), "p": (2.0,)}
    tasks: list = []
    fanned = ratecheck.verify(
        ids, quick=True, seeds=16, grid=grid, workers=2, on_task=lambda t, s, r: tasks.append(t)
    )
    blocks = _pieces(tasks)
    # (method, K) items: transported-scion-complexity 3 × 2, schattor-rate (momentum and
    # none) 2 × 2; every item's three blocks, each once
    assert {c: len(items) for (c, _), items in blocks.items()} == {
        "transported-scion-complexity": 3 * 2 * 3,
        "schattor-rate": 2 * 2 * 3,
    }
    assert all(sorted(items) == list(range(len(items))) for items in blocks.values())
    monkeypatch.setattr(Context, "seed_blocks", lambda self: [(0, self.settings.seeds)])
    whole = ratecheck.verify(ids, quick=True, seeds=16, grid=grid)
    assert [_record(v) for v in fanned] == [_record(v) for v in whole]


def test_a_parallel_first_look_computes_each_grid_point_as_a_task_of_its_own():
    """At a first look (one seed block) a claim's independent measurements, every (rule,
    blocks, disparity) of schattor-multiblock, are tasks of their own on two workers, with the
    numbers of the run in one process."""
    grid = {"disparity": (1.0, 10.0), "blocks": (2, 4)}
    tasks: list = []
    fanned = ratecheck.verify(
        ["schattor-multiblock"],
        quick=True,
        seeds=4,
        grid=grid,
        workers=2,
        on_task=lambda t, s, r: tasks.append(t),
    )
    (items,) = _pieces(tasks).values()
    assert sorted(items) == list(range(3 * 2 * 2))  # rules × blocks × disparities, each once
    alone = ratecheck.verify(["schattor-multiblock"], quick=True, seeds=4, grid=grid)
    assert [_record(v) for v in fanned] == [_record(v) for v in alone]


def _pieces(tasks: list) -> dict[tuple[str, int], list[int]]:
    """{(claim, batch): the items its piece tasks computed}."""
    pieces: dict = {}
    for t in tasks:
        if t.piece is not None:
            pieces.setdefault((t.claim_id, t.piece[0]), []).append(t.piece[1])
    return pieces
