"""Issue 21, item 9: misuse of ``ratecheck.verify`` is a UsageError naming the argument and its
valid form (before anything runs or is cached); duplicates run once; provenance always names a
revision."""

from __future__ import annotations

import json

import pytest

import ratecheck
from ratecheck.errors import UsageError
from ratecheck.verify.cache import TaskCache

CLAIM = "hb-polyak-transient"


@pytest.mark.parametrize(
    "options,argument",
    [
        ({"seeds": "3"}, "seeds"),
        ({"seeds": 2.5}, "seeds"),
        ({"seeds": True}, "seeds"),
        ({"seeds": 0}, "seeds"),
        ({"workers": "2"}, "workers"),
        ({"workers": 0}, "workers"),
        ({"grid": {"kappa": "x"}}, "grid['kappa']"),
        ({"grid": {"kappa": 100}}, "grid['kappa']"),
        ({"grid": {"kappa": ()}}, "grid['kappa']"),
        ({"grid": {"kappa": (10, "a")}}, "kappa=a is impossible"),  # a name on a numeric axis
        ({"grid": {"kappa": (10, None)}}, "grid['kappa']"),
        ({"grid": [("kappa", (10,))]}, "grid must be"),
        ({"grid": {"kappa": (10, 100, 10.0)}}, "grid['kappa'] gives 10 more than once"),
        ({"backend": 3}, "backend"),
    ],
)
def test_misuse_is_a_usage_error_naming_the_argument(tmp_path, options, argument):
    with pytest.raises(UsageError) as info:
        ratecheck.verify([CLAIM], quick=True, cache=TaskCache(tmp_path), **options)
    message = str(info.value)
    assert argument in message and "\n" not in message
    assert "e.g." in message or "valid" in message  # the valid form is named
    assert not list(tmp_path.rglob("*.json"))  # nothing was cached


def test_claim_ids_must_be_text():
    with pytest.raises(UsageError, match="claim ids"):
        ratecheck.verify([3], quick=True)


def test_duplicates_run_once_and_are_reported(tmp_path, capsys):
    """`verify X X X Y` computed X three times and printed '4 of 4 claims'."""
    from ratecheck.cli import main

    out = tmp_path / "out"
    argv = ["verify", CLAIM, CLAIM, CLAIM, "lmo-identities", "--quick", "--no-cache"]
    assert main([*argv, "--out", str(out), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert f"{CLAIM} is named 3 times; it runs once" in captured.err
    assert "2 checked, 0 refuted, 0 inconclusive of 2 claims" in captured.out
    records = json.loads((out / "verdicts.json").read_text())["verdicts"]
    assert [r["claim"] for r in records] == [CLAIM, "lmo-identities"]


def test_duplicates_in_the_api_warn_and_run_once():
    with pytest.warns(UserWarning, match="run once"):
        verdicts = ratecheck.verify([CLAIM, CLAIM], quick=True)
    assert len(verdicts) == 1


def test_provenance_always_names_a_revision(tmp_path):
    """git_revision was null in every verdicts.json of a non-editable install."""
    from ratecheck.verify.store import provenance

    revision = provenance("numpy")["git_revision"]
    assert isinstance(revision, str) and revision


def test_a_built_package_records_its_revision(tmp_path):
    """setup.py writes the checkout's revision into the built package."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(ratecheck.__file__).resolve().parent.parent
    if not (root / "setup.py").is_file() or not (root / ".git").exists():
        pytest.skip("not a source checkout")
    head = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    build = tmp_path / "build"
    done = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(build)],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    text = (build / "ratecheck" / "_build.py").read_text()
    assert head in text
