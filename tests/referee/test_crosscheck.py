"""The referee's judged checks: holds, refuted, and inconclusive on an unreliable certificate,
never a pass; how a claim's outcome and the CLI show them."""

import importlib
import math

import pytest

from ratecheck.referee.crosscheck import check, measured_and_bound, outcome, summary, unavailable
from ratecheck.referee.pep import PEPIT_MISSING, Certificate


def _certificate(value=2.0, reliable=True, horizon=3):
    return Certificate(
        value=value,
        by_solver={"CLARABEL": value, "SCS": value},
        status={"CLARABEL": "optimal", "SCS": "optimal"},
        gap=1e-6 if reliable else 5.0,
        reliable=reliable,
        reason="ok" if reliable else "the solvers disagree",
        seconds=0.1,
        horizon=horizon,
        setting="test",
    )


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (2.0, "upper", "holds"),
        (2.001, "upper", "holds"),  # within τ(1 + 1e-3)
        (2.01, "upper", "refuted"),
        (1.999, "lower", "holds"),
        (1.9, "lower", "refuted"),
        (math.nan, "upper", "inconclusive"),
    ],
)
def test_a_check_is_the_exact_test_of_its_band(value, kind, expected):
    assert check("c", value, 2.0, kind, 1e-3, reliable=True)["outcome"] == expected


def test_an_unreliable_certificate_never_passes_nor_refutes():
    entry = measured_and_bound(_certificate(reliable=False), 9.0, 0.1, 1e-3, method="m", where={})
    assert [c["outcome"] for c in entry["checks"]] == ["inconclusive", "inconclusive"]
    assert outcome({"available": True, "entries": [entry]}) == "inconclusive"


def test_the_referee_outcome_is_refuted_if_any_check_is():
    good = measured_and_bound(_certificate(), 1.5, 2.5, 1e-3, method="m", where={})
    above = measured_and_bound(_certificate(), 2.5, 2.5, 1e-3, method="m", where={})
    assert outcome({"available": True, "entries": [good]}) == "holds"
    assert outcome({"available": True, "entries": [good, above]}) == "refuted"
    assert "refuted: measured ≤ PEP worst case at N = 3" in summary(
        {"available": True, "entries": [good, above]}
    )
    assert outcome(None) is None
    assert outcome(unavailable()) == "unavailable" and summary(unavailable()) == PEPIT_MISSING


def test_without_pepit_the_claims_say_so_and_judge_nothing(monkeypatch, capsys):
    from ratecheck.cli import main

    module = importlib.import_module("ratecheck.claims.polyak._referee")
    monkeypatch.setattr(module, "pepit_available", lambda: False)
    argv = ["verify", "hb-not-global", "--quick", "--no-cache", "--quiet"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"PEP referee hb-not-global: {PEPIT_MISSING}" in out
    assert "not installed" in out.splitlines()[2]  # the PEP column of its row
