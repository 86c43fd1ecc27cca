"""The seeded-bug benchmark: every bug applies in memory and is undone, a bug really changes
what the code computes, and a claim catches a bug in its own solver but not one elsewhere.
The benchmark itself (the quick suite once per bug) is not run here."""

import json
import linecache

import numpy as np
import pytest

from ratecheck.backend import namespace
from ratecheck.bench import seeded_bugs as sb
from ratecheck.bench.seeded_bugs import CATALOGUE, Bug, applied, mutated_code, resolve_target
from ratecheck.problems import quadratic
from ratecheck.seeding import Streams
from ratecheck.solvers import heavy_ball
from ratecheck.verify.runner import run

CHEAP_CLAIM = "hb-polyak-transient"  # heavy ball on a quadratic, well under a second
HB_BUG = "hb-momentum-sign"
UNRELATED_BUG = "ggnc-dual-sign"  # GGNC: no heavy ball, no quadratic


def _bug(name: str) -> Bug:
    return next(b for b in CATALOGUE if b.name == name)


def _outer():
    y = 1.0

    def inner(x):
        return x + y

    return inner


CLOSURE = _outer()  # a function with a free variable, as a module attribute


def test_catalogue_is_large_diverse_and_well_formed():
    assert len(CATALOGUE) >= 12
    names = [b.name for b in CATALOGUE]
    assert len(set(names)) == len(names)
    for b in CATALOGUE:
        assert b.target.startswith(("ratecheck.solvers.", "ratecheck.problems.")), b.name
        assert b.description and b.find and b.find != b.replace, b.name
    modules = {b.target.partition(":")[0] for b in CATALOGUE}
    assert sum(m.startswith("ratecheck.problems.") for m in modules) >= 2
    assert sum(m.startswith("ratecheck.solvers.") for m in modules) >= 6


@pytest.mark.parametrize("bug", CATALOGUE, ids=lambda b: b.name)
def test_every_bug_applies_and_is_restored(bug):
    fn = resolve_target(bug.target)
    original = fn.__code__
    target, code = mutated_code(bug)  # find occurs once, compiles, free variables match
    assert target is fn
    assert code.co_freevars == original.co_freevars
    parts = ("co_code", "co_consts", "co_names")
    assert [getattr(code, a) for a in parts] != [getattr(original, a) for a in parts]
    with applied(bug) as swapped:
        assert swapped is fn and fn.__code__ is not original
        assert fn.__code__.co_filename.startswith("<seeded bug")
    assert fn.__code__ is original


def test_restored_when_the_block_raises():
    bug = _bug(HB_BUG)
    fn = resolve_target(bug.target)
    original = fn.__code__
    with pytest.raises(ZeroDivisionError), applied(bug):
        assert fn.__code__ is not original
        _ = 1 / 0
    assert fn.__code__ is original
    assert not sb._ACTIVE


def test_find_must_occur_exactly_once():
    absent = Bug("absent", "no such text", "ratecheck.solvers.gd:gd", "no such text", "x")
    with pytest.raises(ValueError, match=r"absent.*0 times"):
        mutated_code(absent)
    twice = Bug("twice", "ambiguous", "ratecheck.solvers.heavy_ball:heavy_ball", "w_prev", "w")
    with pytest.raises(ValueError, match="twice"):
        mutated_code(twice)


def test_changed_free_variables_are_refused():
    bug = Bug("freevars", "closure", f"{__name__}:CLOSURE", "x + y", "x - y")
    with pytest.raises(ValueError, match=r"freevars.*free variables"):
        mutated_code(bug)


def test_edit_that_does_not_compile_is_refused():
    bug = Bug("syntax", "broken", "ratecheck.solvers.gd:gd", "x_i - eta * g_i", "x_i - (")
    with pytest.raises(ValueError, match=r"syntax.*does not compile"):
        mutated_code(bug)


def test_targets_name_functions_and_methods():
    from ratecheck.solvers.norms import Linf

    assert resolve_target("ratecheck.solvers.norms:Linf.dual") is Linf.dual
    with pytest.raises(ValueError, match=r"module\.path:function"):
        resolve_target("ratecheck.solvers.norms")
    with pytest.raises(ValueError, match="not a Python function"):
        resolve_target("ratecheck.solvers.norms:NORMS")


def _hb_trace():
    xp = namespace("numpy")
    problem = quadratic(20.0, 6, Streams("seeded-bugs", 0, 2), xp)
    metrics = {"first": lambda x: x[0][:, 0], "dist": lambda x: xp.sum(x[0] ** 2, axis=1)}
    return run(heavy_ball(0.5, 0.6), problem, 8, metrics=metrics, checkpoints="all")


def test_a_heavy_ball_bug_changes_the_iterates():
    clean = _hb_trace()
    with applied(_bug(HB_BUG)):
        buggy = _hb_trace()
    again = _hb_trace()
    for name in ("first", "dist"):
        np.testing.assert_array_equal(clean.metrics[name][:, :2], buggy.metrics[name][:, :2])
        assert not np.allclose(clean.metrics[name][:, 3:], buggy.metrics[name][:, 3:])
        np.testing.assert_array_equal(clean.metrics[name], again.metrics[name])


def test_the_bug_reaches_names_imported_elsewhere():
    from ratecheck.claims.polyak import hb_polyak_transient as claim_module

    fn = resolve_target(_bug(HB_BUG).target)
    assert claim_module.heavy_ball is fn
    with applied(_bug(HB_BUG)):
        assert claim_module.heavy_ball.__code__ is fn.__code__
        assert "w_prev_i - w_i" in "".join(linecache.getlines(fn.__code__.co_filename))


def test_claim_catches_a_bug_in_its_solver_and_not_elsewhere():
    caught = sb.run_bug(_bug(HB_BUG), [CHEAP_CLAIM])
    assert caught["bug"] == HB_BUG and caught["caught_by"] == [CHEAP_CLAIM]
    assert caught["outcomes"][CHEAP_CLAIM] != sb.baseline([CHEAP_CLAIM])[CHEAP_CLAIM]
    assert caught["wall_s"] >= 0
    missed = sb.run_bug(_bug(UNRELATED_BUG), [CHEAP_CLAIM])
    assert missed["caught_by"] == [] and missed["raised"] == {}
    assert missed["outcomes"] == sb.baseline([CHEAP_CLAIM])


def test_a_raising_claim_counts_as_caught(monkeypatch):
    def boom(claim_id, seeds):
        return "raised", "RuntimeError: boom"

    monkeypatch.setattr(sb, "_verify_one", boom)
    result = sb.run_bug(_bug(HB_BUG), [CHEAP_CLAIM], reference={CHEAP_CLAIM: "checked"})
    assert result["caught_by"] == [CHEAP_CLAIM]
    assert result["raised"] == {CHEAP_CLAIM: "RuntimeError: boom"}
    # a claim that raises without the bug as well does not count
    result = sb.run_bug(_bug(HB_BUG), [CHEAP_CLAIM], reference={CHEAP_CLAIM: "raised"})
    assert result["caught_by"] == []


def test_no_baseline_under_a_bug():
    with applied(_bug(HB_BUG)), pytest.raises(RuntimeError, match=HB_BUG):
        sb.baseline([CHEAP_CLAIM])


def test_benchmark_reports_rate_and_gaps():
    lines = []
    bugs = [_bug(HB_BUG), _bug(UNRELATED_BUG)]
    result = sb.benchmark(bugs, [CHEAP_CLAIM], report=lines.append)
    assert result["baseline"] == sb.baseline([CHEAP_CLAIM])
    assert [r["bug"] for r in result["bugs"]] == [HB_BUG, UNRELATED_BUG]
    assert result["detection_rate"] == 0.5
    assert result["uncaught"] == [UNRELATED_BUG]
    assert lines[0].startswith(f"{HB_BUG}: {CHEAP_CLAIM}")
    assert "a gap in the catalogue of claims" in lines[1]


def test_main_prints_one_line_per_bug_and_writes_json(tmp_path, capsys):
    out = tmp_path / "bugs.json"
    argv = ["--bugs", f"{HB_BUG},{UNRELATED_BUG}", "--claims", CHEAP_CLAIM, "--json", str(out)]
    assert sb.main(argv) == 0
    text = capsys.readouterr().out
    assert f"{HB_BUG}: {CHEAP_CLAIM}" in text
    assert "detection rate: 1/2 = 50%" in text
    assert f"uncaught: {UNRELATED_BUG} — a gap in the catalogue of claims" in text
    assert json.loads(out.read_text())["uncaught"] == [UNRELATED_BUG]


def test_main_lists_and_refuses_unknown_bugs(capsys):
    assert sb.main(["--list"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == len(CATALOGUE)
    with pytest.raises(SystemExit):
        sb.main(["--bugs", "no-such-bug"])
    assert "unknown bug" in capsys.readouterr().err
