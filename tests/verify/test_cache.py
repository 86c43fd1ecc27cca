"""The result cache: order-independent keys, exact round trips, no partial or corrupt entries."""

import dataclasses
import json

import pytest

import ratecheck
from ratecheck.verify import registry
from ratecheck.verify.cache import TaskCache, decode, encode, read_entry, task_key

CLAIM = "hb-polyak-transient"


def test_key_tracks_every_input_and_the_order_of_grid_values():
    base = task_key(CLAIM, {"kappa": (10.0, 100.0), "t": (1.0,)}, 4, True, "numpy")
    assert base == task_key(CLAIM, {"t": (1.0,), "kappa": (10.0, 100.0)}, 4, True, "numpy")
    others = [
        task_key(CLAIM, {"kappa": (100.0, 10.0), "t": (1.0,)}, 4, True, "numpy"),
        task_key(CLAIM, {"kappa": (10.0,), "t": (1.0,)}, 4, True, "numpy"),
        task_key(CLAIM, {"kappa": (10.0, 100.0), "t": (1.0,)}, 5, True, "numpy"),
        task_key(CLAIM, {"kappa": (10.0, 100.0), "t": (1.0,)}, 4, False, "numpy"),
        task_key(CLAIM, {"kappa": (10.0, 100.0), "t": (1.0,)}, 4, True, "cupy"),
        task_key("hb-acceleration", {"kappa": (10.0, 100.0), "t": (1.0,)}, 4, True, "numpy"),
        task_key(CLAIM, {"kappa": (10.0, 100.0), "t": (1.0,)}, 4, True, "numpy", claim_code="x"),
    ]
    assert base not in others and len(set(others)) == len(others)


def _measured(verdict):
    return [p.measured for p in verdict.result.points + verdict.control.points]


def test_another_grid_order_is_not_served_from_the_cache(tmp_path):
    """Issue 21.1: streams follow a value's position, so kappa=100,10 is another computation;
    with a cache filled by kappa=10,100 it used to get the first order's numbers."""
    cache = TaskCache(tmp_path)
    forward, backward = {"kappa": (10, 100)}, {"kappa": (100, 10)}
    (fresh,) = ratecheck.verify(["hb-acceleration"], quick=True, grid=backward)
    (first,) = ratecheck.verify(["hb-acceleration"], quick=True, grid=forward, cache=cache)
    (second,) = ratecheck.verify(["hb-acceleration"], quick=True, grid=backward, cache=cache)
    assert _measured(first) != _measured(fresh)  # the orders do give other numbers
    assert second.extra["from_cache"] is False
    assert _measured(second) == _measured(fresh)


def _count_runs(monkeypatch):
    """Wrap the claim's experiment so that the test sees how often it really runs."""
    original = registry.get_experiment(CLAIM)
    calls = []

    def counted(claim, settings, grid):
        calls.append(1)
        return original.run(claim, settings, grid)

    monkeypatch.setitem(registry._REGISTRY, CLAIM, dataclasses.replace(original, run=counted))
    return calls


def test_second_run_is_served_from_the_cache_with_identical_verdicts(tmp_path, monkeypatch):
    calls = _count_runs(monkeypatch)
    cache = TaskCache(tmp_path)
    (a,) = ratecheck.verify([CLAIM], quick=True, cache=cache)
    (b,) = ratecheck.verify([CLAIM], quick=True, cache=cache)
    assert len(calls) == 1
    ra, rb = a.record(), b.record()
    ra.pop("wall_s"), rb.pop("wall_s")
    assert ra.pop("from_cache") is False and rb.pop("from_cache") is True
    assert json.dumps(ra, sort_keys=True) == json.dumps(rb, sort_keys=True)  # NaN-aware


def test_a_crashed_or_interrupted_task_is_never_cached(tmp_path, monkeypatch):
    original = registry.get_experiment(CLAIM)
    for error in (RuntimeError("boom"), KeyboardInterrupt()):

        def broken(claim, settings, grid, error=error):
            raise error

        monkeypatch.setitem(registry._REGISTRY, CLAIM, dataclasses.replace(original, run=broken))
        with pytest.raises(type(error)):
            ratecheck.verify([CLAIM], quick=True, cache=TaskCache(tmp_path))
        assert not list(tmp_path.glob("*/*.json"))


def test_a_corrupt_entry_is_discarded_and_recomputed(tmp_path, monkeypatch):
    calls = _count_runs(monkeypatch)
    cache = TaskCache(tmp_path)
    ratecheck.verify([CLAIM], quick=True, cache=cache)
    (entry,) = list(tmp_path.glob("*/*.json"))
    entry.write_text(entry.read_text()[:-40])  # truncated
    (v,) = ratecheck.verify([CLAIM], quick=True, cache=cache)
    assert len(calls) == 2 and v.checked
    read_entry(entry.stem, entry.read_text())  # rewritten and valid again


def test_outcome_round_trip_is_exact():
    claim = ratecheck.get_claim(CLAIM)
    exp = registry.get_experiment(CLAIM)
    from ratecheck.backend import namespace
    from ratecheck.verify.experiment import Settings

    settings = Settings(True, 2, namespace("numpy"), "numpy")
    outcome = exp.run(claim, settings, exp.values(settings))
    again = decode(encode(outcome))
    for side in ("result", "control"):  # NaN-aware: a deterministic point's se and CI are NaN
        before, after = getattr(outcome, side).points, getattr(again, side).points
        assert [repr(p) for p in after] == [repr(p) for p in before]
    assert again.rows == outcome.rows


def test_cli_no_cache_recomputes(tmp_path, monkeypatch, capsys):
    from ratecheck.cli import main

    calls = _count_runs(monkeypatch)
    monkeypatch.setenv("RATECHECK_CACHE", str(tmp_path))
    for argv in ([CLAIM, "--quick"], [CLAIM, "--quick"], [CLAIM, "--quick", "--no-cache"]):
        assert main(["verify", *argv]) == 0
    assert len(calls) == 2


@pytest.mark.parametrize("distribution", ["torch", "scikit-learn", "pepit", "numpy"])
def test_key_tracks_the_versions_that_determine_the_numbers(monkeypatch, distribution):
    """Another PyTorch or scikit-learn (the network claims), PEPit (the referee) or NumPy is
    another computation."""
    from ratecheck.verify import cache

    base = task_key(CLAIM, {"kappa": (10.0,)}, 4, True, "numpy")
    real_installed, real_version = cache._installed, cache.version
    monkeypatch.setattr(
        cache, "_installed", lambda d: "9.9" if d == distribution else real_installed(d)
    )
    monkeypatch.setattr(cache, "version", lambda d: "9.9" if d == distribution else real_version(d))
    monkeypatch.setattr(cache, "_versions", cache._versions.__wrapped__)  # read again, uncached
    assert task_key(CLAIM, {"kappa": (10.0,)}, 4, True, "numpy") != base


def test_a_piece_is_kept_exactly_and_a_damaged_one_is_a_miss(tmp_path):
    from ratecheck.verify.cache import piece_key

    cache = TaskCache(tmp_path)
    key = piece_key("training run", {"seed": 1})
    assert key not in (piece_key("training run", {"seed": 2}), piece_key("other", {"seed": 1}))
    piece = {"loss": [0.1, float("nan"), 1e-300, 2.0 / 3.0], "diverged": False}
    cache.store_piece(key, piece)
    assert json.dumps(cache.load_piece(key)) == json.dumps(piece)
    (path,) = list((tmp_path / "pieces").rglob("*.json"))
    path.write_text(path.read_text().replace("0.1", "0.2"))
    assert cache.load_piece(key) is None and not path.exists()  # discarded, recomputed


def test_a_context_keeps_a_piece_only_where_the_run_has_a_cache(tmp_path):
    from ratecheck.backend import namespace
    from ratecheck.verify.context import Context
    from ratecheck.verify.experiment import Settings

    computed = []

    def compute():
        computed.append(1)
        return {"value": [1.0 / 3.0]}

    for folder, runs in ((None, 2), (str(tmp_path), 1)):
        computed.clear()
        settings = Settings(True, 2, namespace("numpy"), "numpy", {}, folder)
        for _ in range(2):  # two contexts: a task run again after an interruption
            ctx = Context(ratecheck.get_claim(CLAIM), settings, {})
            assert ctx.kept("piece", {"n": 1}, compute) == {"value": [1.0 / 3.0]}
        assert len(computed) == runs
