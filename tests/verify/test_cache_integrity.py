"""Issue 21, items 2 and 4: a cache entry is served only when it is exactly what was stored for
exactly this computation; anything doubtful is a miss, and a cache that cannot be written costs
time, never a run."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
from pathlib import Path

import pytest
import sympy as sp

import ratecheck
from ratecheck import Claim, Provenance, define_claim
from ratecheck.backend import namespace
from ratecheck.verify import registry
from ratecheck.verify.cache import TaskCache, encode, entry_text, read_entry
from ratecheck.verify.experiment import Outcome, Settings
from ratecheck.verify.verdict import Judgement, Point

CLAIM = "hb-polyak-transient"
USER_MODULE = """
from ratecheck import Claim, Provenance, define_claim
from ratecheck.verify.experiment import Outcome
from ratecheck.verify.verdict import Judgement, Point

MEASURED = VALUE


def run(claim, settings, grid):
    point = Point("x = 1", "identity", 0.5, MEASURED, 0.1)
    return Outcome(Judgement([point]), Judgement([point]), [])


try:
    CLAIM
except NameError:
    CLAIM = define_claim(
        Claim("test-cache-user-module", "identity", "test", "a test", "1/2", lambda: 0.5,
              "1/2", 0.1, "a constant", "none", (Provenance("the value", "paper"),)),
        run=run,
    )
"""


def _outcome(value: float) -> Outcome:
    point = Point("x = 1", "identity", 0.5, value, 0.1)
    control = Point("x = 1 against 2", "identity", 2.0, value, 0.1)
    return Outcome(Judgement([point]), Judgement([control]), [])


def _user_claim(claim_id: str, value: float) -> Claim:
    def run(claim, settings, grid):
        return _outcome(value)

    return define_claim(
        Claim(
            id=claim_id,
            kind="identity",
            family="test",
            source="a test",
            statement="the measured value is 1/2",
            prediction=lambda: 0.5,
            prediction_text="1/2",
            tolerance=0.1,
            experiment="returns a constant",
            control="the same value against 2",
            provenance=(Provenance("the value", "paper"),),
        ),
        run=run,
    )


def _replace_run(monkeypatch, claim_id: str, run) -> None:
    old = registry.get_experiment(claim_id)
    monkeypatch.setitem(registry._REGISTRY, claim_id, dataclasses.replace(old, run=run))


def test_a_changed_user_claim_is_recomputed(tmp_path, monkeypatch):
    """Issue 21.2: a user claim's run changed from returning 0.5 to 0.0 still gave 0.5, from
    the cache."""
    claim = _user_claim("test-cache-user-code", 0.5)
    cache = TaskCache(tmp_path)
    first = ratecheck.testing.check(claim, cache=cache)
    assert first.result.points[0].measured == 0.5
    _replace_run(monkeypatch, claim.id, lambda claim, settings, grid: _outcome(0.0))
    second = ratecheck.testing.check(claim, cache=cache)
    assert second.extra["from_cache"] is False
    assert second.result.points[0].measured == 0.0


def test_a_changed_user_module_is_recomputed(tmp_path, monkeypatch):
    """The same run function reading another module-level constant is another computation."""
    source = tmp_path / "cache_user_module.py"
    text = USER_MODULE
    source.write_text(text.replace("VALUE", "0.5"))
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    import cache_user_module

    cache = TaskCache(tmp_path / "cache")
    assert (
        ratecheck.testing.check(cache_user_module.CLAIM, cache=cache).result.points[0].measured
        == 0.5
    )
    source.write_text(text.replace("VALUE", "0.0"))
    module = importlib.reload(cache_user_module)
    _replace_run(monkeypatch, module.CLAIM.id, module.run)
    again = ratecheck.testing.check(module.CLAIM, cache=cache)
    assert again.extra["from_cache"] is False and again.result.points[0].measured == 0.0


def test_an_outcome_with_a_nan_measurement_is_not_cached(tmp_path):
    """Issue 21.2: a claim that returned NaN was cached and then served as a failure."""
    claim = _user_claim("test-cache-nan", float("nan"))
    ratecheck.testing.check(claim, cache=TaskCache(tmp_path))
    assert not list(tmp_path.glob("*/*.json"))


@pytest.fixture(scope="module")
def fresh() -> Outcome:
    """The claim's outcome, computed without any cache."""
    exp = registry.get_experiment(CLAIM)
    settings = Settings(True, exp.seeds_quick, namespace("numpy"), "numpy")
    return exp.run(ratecheck.get_claim(CLAIM), settings, exp.values(settings))


def _entry(tmp_path) -> Path:
    ratecheck.verify([CLAIM], quick=True, cache=TaskCache(tmp_path))
    (entry,) = tmp_path.glob("*/*.json")
    return entry


def _rewrap(entry: Path, mutate) -> None:
    """Change the stored outcome and give it a valid checksum, as a buggy writer would."""
    wrapper = json.loads(entry.read_text())
    body = mutate(json.loads(wrapper["body"]))
    wrapper["body"] = json.dumps(body)
    wrapper["sha256"] = hashlib.sha256(wrapper["body"].encode()).hexdigest()
    entry.write_text(json.dumps(wrapper))


def _set(path, value):
    def mutate(body):
        target = body
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return body

    return mutate


def _drop(path):
    def mutate(body):
        target = body
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
        return body

    return mutate


SHAPES = {
    "[]": lambda body: [],
    "null": lambda body: None,
    "points: []": _set(("result", "points"), []),
    "measured as a string": _set(("result", "points", 0, "measured"), "0.5"),
    "rows as a string": _set(("rows",), "rows"),
    "a row without value": _drop(("rows", 0, "value")),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_entries_of_the_wrong_shape_are_misses_and_discarded(tmp_path, shape, fresh):
    """Issue 21.4: such entries crashed every later run and were never discarded."""
    entry = _entry(tmp_path)
    _rewrap(entry, SHAPES[shape])
    cache = TaskCache(tmp_path)
    assert cache.load(entry.stem) is None
    assert not entry.exists()
    (v,) = ratecheck.verify([CLAIM], quick=True, cache=cache)
    assert v.extra["from_cache"] is False and v.checked


def test_an_edited_measurement_fails_the_checksum(tmp_path):
    """Issue 21.4: an entry whose measured value was edited was served as is."""
    entry = _entry(tmp_path)
    wrapper = json.loads(entry.read_text())
    body = json.loads(wrapper["body"])
    body["result"]["points"][0]["measured"] += 1.0
    wrapper["body"] = json.dumps(body)
    entry.write_text(json.dumps(wrapper))
    assert TaskCache(tmp_path).load(entry.stem) is None


def test_an_entry_that_is_a_directory_leaves_no_temporary_files(tmp_path, capsys):
    """Issue 21.4: a directory in an entry's place left <key>.<pid>.tmp files behind."""
    entry = _entry(tmp_path)
    entry.unlink()
    entry.mkdir()
    (v,) = ratecheck.verify([CLAIM], quick=True, cache=TaskCache(tmp_path))
    assert v.checked and v.extra["from_cache"] is False
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert capsys.readouterr().err.count("warning") == 1


def test_a_read_only_cache_warns_once_and_runs_uncached(tmp_path, monkeypatch, capsys):
    """Issue 21.4: a read-only cache raised PermissionError from unlink. The denial is
    injected (the tests may run as root, whom file modes do not stop)."""
    entry = _entry(tmp_path)
    entry.write_text("{")  # doubtful: the cache will try to discard it

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "unlink", denied)
    monkeypatch.setattr("tempfile.mkstemp", denied)
    monkeypatch.setattr("tempfile.NamedTemporaryFile", denied)
    verdicts = ratecheck.verify([CLAIM, "lmo-identities"], quick=True, cache=TaskCache(tmp_path))
    assert all(v.checked and v.extra["from_cache"] is False for v in verdicts)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot write the cache" in err[0] and "uncached" in err[0]


def test_a_cache_that_stops_accepting_writes_warns_once(tmp_path, monkeypatch, capsys):
    cache = TaskCache(tmp_path)
    assert cache.check_writable()

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tempfile.mkstemp", full)
    ratecheck.verify([CLAIM, "lmo-identities"], quick=True, cache=cache)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "No space left on device" in err[0]
    assert not list(tmp_path.glob("*/*.json"))


def _corruptions(rng: random.Random, text: str):
    """One random damage of an entry's text: (damaged text, whether its checksum was redone)."""
    choice = rng.randrange(4)
    if choice == 0:
        return text[: rng.randrange(len(text))], False
    if choice == 1:
        raw = bytearray(text.encode())
        for _ in range(rng.randint(1, 4)):
            raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
        return raw.decode("utf-8", errors="replace"), False
    wrapper = json.loads(text)
    body = json.loads(wrapper["body"])
    paths = list(_paths(body))
    path = rng.choice(paths)
    parent = body
    for key in path[:-1]:
        parent = parent[key]
    if choice == 2:  # the body changed, the checksum left as it was
        parent[path[-1]] = rng.choice([None, "text", [], {}, 1e300, -1, True])
        wrapper["body"] = json.dumps(body)
        return json.dumps(wrapper), False
    # a change of shape with a recomputed checksum: wrong types, missing fields, empty lists
    old = parent[path[-1]]
    wrong = [v for v in ("text", [], {}, True) if type(v) is not type(old)]
    if path[-1] != "kind":  # a judgement's kind may be None
        wrong.append(None)
    if isinstance(parent, dict) and rng.random() < 0.3:
        del parent[path[-1]]
    else:
        parent[path[-1]] = rng.choice(wrong)
    wrapper["body"] = json.dumps(body)
    wrapper["sha256"] = hashlib.sha256(wrapper["body"].encode()).hexdigest()
    return json.dumps(wrapper), True


def _paths(value, prefix=()):
    """Every path into the structural part of an outcome (rows, points, judgements)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("extra", "notes", "where"):
                continue  # free-form, or numbers and names alike: a valid outcome either way
            yield (*prefix, key)
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value[:3]):
            yield (*prefix, i)
            yield from _paths(item, (*prefix, i))


def test_fault_injection_never_serves_a_wrong_entry(tmp_path, fresh):
    """Issue 21.4 acceptance: random truncation, bit flips and schema mutations of entries over
    200 trials: never a traceback, never a served entry that differs from a fresh computation."""
    entry = _entry(tmp_path)
    good = entry.read_text()
    assert encode(read_entry(entry.stem, good)) == encode(fresh)
    rng = random.Random(20261201)
    served = rejected = schema_caught = 0
    for _ in range(200):
        damaged, rechecksummed = _corruptions(rng, good)
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.write_text(damaged)
        outcome = TaskCache(tmp_path).load(entry.stem)
        if rechecksummed:  # a valid checksum over a wrong shape: the schema must catch it
            assert outcome is None, damaged
            schema_caught += 1
        if outcome is None:
            rejected += 1
            assert not entry.exists()
        else:
            served += 1
            assert encode(outcome) == encode(fresh), "a damaged entry was served"
    assert rejected >= 150 and schema_caught >= 30  # the served ones changed nothing
    # and after all that, the cache still works
    entry.write_text(entry_text(entry.stem, fresh))
    assert encode(TaskCache(tmp_path).load(entry.stem)) == encode(fresh)


def test_a_user_claims_named_and_control_predictions_are_in_its_key():
    """A named prediction's expression and the control prediction are left out of the record's
    repr, so the fingerprint hashes them itself: changing either is another computation."""
    from ratecheck.theory.claim import Prediction
    from ratecheck.verify.cache import claim_fingerprint
    from ratecheck.verify.experiment import Experiment

    def run(claim, settings, grid):
        return _outcome(0.5)

    base = Claim(
        "test-key-predictions",
        "identity",
        "test",
        "a test",
        "s",
        lambda: 0,
        "0",
        0.1,
        "e",
        "c",
        (Provenance("x", "paper"),),
    )
    claims = [
        base,
        dataclasses.replace(base, predictions=(("gd", Prediction(1)),)),
        dataclasses.replace(base, predictions=(("gd", Prediction(2)),)),
        dataclasses.replace(base, control_prediction=sp.Integer(3)),
    ]
    keys = {claim_fingerprint(c, Experiment(c.id, run, (), claim=c)) for c in claims}
    assert len(keys) == len(claims)
