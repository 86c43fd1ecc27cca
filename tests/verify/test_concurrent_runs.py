"""Issue 21, item 3: runs that share a results folder or a cache, at once or one after another,
keep every finished claim of every run and never crash."""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
import traceback
from pathlib import Path

import pytest

import ratecheck
from ratecheck.verify.cache import TaskCache, read_entry
from ratecheck.verify.store import ResultStore, read_results

CHEAP = ("hb-polyak-transient", "lmo-identities", "newton-schulz-accuracy", "hb-not-global")
VOLATILE = ("wall_s", "from_cache")
ROWS = [
    {
        "claim": "c",
        "role": "claim",
        "method": "m",
        "param": "p",
        "x": 1.0,
        "seed": 0,
        "t": t,
        "metric": "f",
        "value": 0.5**t,
    }
    for t in range(3)
]


def _stable(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in VOLATILE}


def _canonical(record: dict) -> str:
    return json.dumps(_stable(record), sort_keys=True, allow_nan=True)


def test_a_second_run_keeps_the_first_runs_claims(tmp_path):
    """The last writer's verdicts.json listed only its own claims, and a second run deleted
    the first's rows."""
    ratecheck.verify(["hb-polyak-transient"], quick=True, out=tmp_path)
    ratecheck.verify(["lmo-identities"], quick=True, out=tmp_path)
    rows, doc = read_results(tmp_path)
    assert [r["claim"] for r in doc["verdicts"]] == ["lmo-identities", "hb-polyak-transient"]
    assert "hb-polyak-transient" in {r["claim"] for r in rows}  # lmo-identities has none
    assert doc["unfinished"] == []


def test_a_claim_run_again_replaces_its_record_and_rows(tmp_path):
    first = ResultStore(tmp_path, "numpy", ["c"])
    first.add({"claim": "c", "value": 1}, ROWS)
    second = ResultStore(tmp_path, "numpy", ["c"])
    assert json.loads((tmp_path / "verdicts.json").read_text())["unfinished"] == ["c"]
    second.add({"claim": "c", "value": 2}, ROWS[:1])
    doc = json.loads((tmp_path / "verdicts.json").read_text())
    assert doc["verdicts"] == [{"claim": "c", "value": 2}] and doc["unfinished"] == []


def test_an_interrupted_runs_claims_stay_unfinished_until_finished(tmp_path):
    ResultStore(tmp_path, "numpy", ["a", "b"]).add({"claim": "a"}, ROWS)  # b never finished
    ResultStore(tmp_path, "numpy", ["c"]).add({"claim": "c"}, ROWS)
    doc = json.loads((tmp_path / "verdicts.json").read_text())
    assert sorted(r["claim"] for r in doc["verdicts"]) == ["a", "c"]
    assert doc["unfinished"] == ["b"]


def test_writers_in_threads_never_collide(tmp_path):
    """Fixed temporary names made concurrent writers crash with FileNotFoundError."""
    errors = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                store = ResultStore(tmp_path, "numpy", [f"c{n}", "shared"])
                store.add({"claim": "shared", "n": n, "i": i}, ROWS)
                store.add({"claim": f"c{n}"}, ROWS)
        except Exception:
            errors.append(traceback.format_exc())

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
    doc = json.loads((tmp_path / "verdicts.json").read_text())
    assert sorted(r["claim"] for r in doc["verdicts"]) == sorted(
        ["shared", *(f"c{n}" for n in range(6))]
    )
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


def _rounds(index: int, claims: list[str], base: str, rounds: int, barrier, failures) -> None:
    """One of the concurrent processes: in every round, wait for the others, then verify its
    claims into that round's shared results folder and cache."""
    for r in range(rounds):
        folder = Path(base) / f"round{r}"
        barrier.wait()
        try:
            ratecheck.verify(
                claims, quick=True, out=folder / "out", cache=TaskCache(folder / "cache")
            )
        except BaseException:
            failures.put(f"process {index}, round {r}:\n{traceback.format_exc()}")
    failures.put(None)


@pytest.mark.skipif(os.name != "posix", reason="results-folder locks are POSIX flock")
def test_four_processes_on_overlapping_claims_twenty_times(tmp_path):
    """The acceptance stress test: 4 processes on overlapping claims into one results folder
    and one cache, 20 times: no crash, no lost claim, every record identical to a solo run."""
    solo = {}
    for claim in CHEAP:
        (verdict,) = ratecheck.verify([claim], quick=True)
        solo[claim] = _canonical(verdict.record())
    plans = [[CHEAP[i], CHEAP[(i + 1) % len(CHEAP)]] for i in range(4)]  # each claim twice
    rounds = 20
    ctx = multiprocessing.get_context("spawn")
    barrier, failures = ctx.Barrier(len(plans)), ctx.Queue()
    procs = [
        ctx.Process(target=_rounds, args=(i, plan, str(tmp_path), rounds, barrier, failures))
        for i, plan in enumerate(plans)
    ]
    for p in procs:
        p.start()
    reports = []
    while reports.count(None) < len(procs):  # each process ends its reports with None
        reports.append(failures.get(timeout=600))
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    crashes = [r for r in reports if r is not None]
    assert not crashes, crashes[0]
    wanted = sorted({c for plan in plans for c in plan})
    for r in range(rounds):
        folder = tmp_path / f"round{r}"
        rows, doc = read_results(folder / "out")
        assert sorted(rec["claim"] for rec in doc["verdicts"]) == wanted, f"round {r}"
        assert doc["unfinished"] == [], f"round {r}"
        assert {row["claim"] for row in rows} <= set(wanted)
        for rec in doc["verdicts"]:
            assert _canonical(rec) == solo[rec["claim"]], f"round {r}, {rec['claim']}"
        for entry in (folder / "cache").glob("*/*.json"):
            read_entry(entry.stem, entry.read_text())  # every entry intact
        assert not [p for p in folder.rglob("*") if p.name.endswith(".tmp")], f"round {r}"
