"""The command line: tables, exit statuses, and one-line errors for bad input."""

import importlib
import json
import os
import shutil
import subprocess
import sys

import pytest

import ratecheck
from ratecheck.cli import main


def test_list(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for cid in ("hb-quadratic-rate", "hb-acceleration", "hb-polyak-transient", "hb-not-global"):
        assert cid in out
    assert main(["list", "--json"]) == 0
    claims = json.loads(capsys.readouterr().out)
    assert {"id", "kind", "source", "statement", "prediction", "provenance"} <= set(claims[0])


def test_verify_writes_json_results_and_figures(tmp_path, capsys):
    out_json, out_dir = tmp_path / "v.json", tmp_path / "res"
    code = main(
        [
            "verify",
            "hb-polyak-transient",
            "hb-not-global",
            "--quick",
            "--json",
            str(out_json),
            "--out",
            str(out_dir),
        ]
    )
    assert code == 0
    records = json.loads(out_json.read_text())["verdicts"]
    assert [r["checked"] for r in records] == [True, True]
    assert (out_dir / "rows" / "hb-not-global.parquet").is_file()
    assert (out_dir / "verdicts.json").is_file()
    assert (out_dir / "figures" / "hb-not-global--abs_x.png").stat().st_size > 1000
    text = capsys.readouterr().out
    assert "2 checked, 0 refuted, 0 inconclusive of 2 claims" in text and "[derived]" in text


def test_plot_from_stored_results(tmp_path, capsys):
    main(["verify", "hb-not-global", "--quick", "--out", str(tmp_path)])
    capsys.readouterr()
    assert main(["plot", str(tmp_path), "--pdf", "--to", str(tmp_path / "figs")]) == 0
    assert (tmp_path / "figs" / "hb-not-global--abs_x.pdf").is_file()


@pytest.mark.parametrize(
    "argv,fragment",
    [
        (["verify", "no-such-claim"], "unknown claim 'no-such-claim'; valid claims: "),
        (["verify", "hb-acceleration", "--seeds", "0"], "--seeds"),
        (["verify", "hb-acceleration", "--grid", "kappa=-10,100"], "kappa=-10 is impossible"),
        (["verify", "hb-acceleration", "--grid", "nonsense=1"], "valid: epsilon, kappa"),
        (["verify", "hb-not-global", "--backend", "cupy"], "valid choices here: numpy"),
        (["verify", "hb-not-global", "--backend", "tpu"], "valid choices: numpy, cupy"),
        (["verify"], "ratecheck list"),
        (["plot", "/nonexistent/folder"], "not a results folder"),
        (["frobnicate"], "invalid choice"),
        (["verify", "lower-bound-eps", "--grid", "p=3"], "valid: 1.5, 2"),
        (["verify", "schattor-rate", "--grid", "p=1"], "p=1 is impossible"),
        (["verify", "lower-bound-dimension", "--grid", "epsilon=0.5"], "ε = 0.5 is too large"),
        (["verify", "heavy-tail-noise", "--grid", "hill_k=200000"], "needs samples"),
        (["bench", "--suite", "--executors", "workers,gpu"], "from process, workers, dask"),
        (["bench", "--suite", "--executors", "process,process"], "name each once"),
        (["bench", "--suite", "no-such-claim"], "unknown claim 'no-such-claim'; valid claims: "),
        (["bench", "hb-not-global"], "go with bench --suite"),
        (["bench", "--keep", "kept"], "go with bench --suite"),
        (["bench", "--suite", "--keep", "kept"], "--keep runs one executor"),
        (
            ["bench", "--suite", "--executors", "workers", "--keep", "/dev/null/kept"],
            "--keep /dev/null/kept: cannot make that folder",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, fragment, capsys):
    try:
        import cupy  # noqa: F401

        if "cupy" in argv:
            pytest.skip("CuPy present: the cupy backend is valid here")
    except ImportError:
        pass
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("ratecheck: error: ")
    assert fragment in err


def test_corrupt_results_folder(tmp_path, capsys):
    (tmp_path / "rows").mkdir()
    (tmp_path / "verdicts.json").write_text("{not json")
    assert main(["plot", str(tmp_path)]) == 2
    assert "corrupt" in capsys.readouterr().err


def test_verify_without_out_writes_a_timestamped_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RATECHECK_RESULTS", str(tmp_path))
    assert main(["verify", "hb-not-global", "--quick"]) == 0
    (folder,) = tmp_path.iterdir()
    assert folder.name[:8].isdigit() and (folder / "verdicts.json").is_file()
    assert f"results: {folder}" in capsys.readouterr().out


def test_installed_command_has_no_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "ratecheck.cli", "verify", "nope"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1


def test_unexpected_verdict_exits_1(monkeypatch, capsys):
    """A claim that holds with a control that also holds is unchecked: exit status 1."""
    api = importlib.import_module("ratecheck.verify.api")  # ratecheck.verify is the function
    from ratecheck import get_claim
    from ratecheck.verify.verdict import Judgement, Point, Verdict

    ok = Judgement([Point("a", "exponent", 0.5, 0.5, 0.05)], kind="exponent")
    unchecked = Verdict(get_claim("hb-acceleration"), ok, ok, "numpy", 1, True)

    def fake_verify(ids, on_verdict=None, out=None, **kw):
        from ratecheck.verify.store import ResultStore

        ResultStore(out, "numpy", ids).add(unchecked.record(), [])
        on_verdict(unchecked)
        return [unchecked]

    monkeypatch.setattr(api, "verify", fake_verify)
    assert main(["verify", "hb-acceleration", "--quick"]) == 1
    out = capsys.readouterr().out
    assert "0 checked, 0 refuted, 0 inconclusive, 1 unchecked" in out and "of 1 claims" in out


def test_progress_line_and_its_silence(capsys):
    import io

    from ratecheck.cli import Progress

    p = Progress(4, enabled=True, stream=io.StringIO())
    assert p.line(0, now=p.start + 5) == "ratecheck: 0/4 claims, 00:05 elapsed, ETA --:--"
    assert p.line(1, now=p.start + 30) == "ratecheck: 1/4 claims, 00:30 elapsed, ETA 01:30"
    p.update(1)
    assert p.stream.getvalue().startswith("\r\033[Kratecheck: 1/4 claims")
    from ratecheck.verify.api import plan

    (task,) = plan(["hb-not-global"], True, "numpy", None, {})
    p.task(task, 12.4, 3)
    assert p.line(1, now=p.start + 30) == (
        "ratecheck: 1/4 claims, 1 tasks done, 3 running (last: hb-not-global 12 s), 00:30 "
        "elapsed, ETA 01:30"
    )
    assert "1 tasks done, 3 running (last: hb-not-global 12 s)" in p.stream.getvalue()
    quiet = Progress(4, enabled=False, stream=io.StringIO())
    quiet.update(1), quiet.clear()
    assert quiet.stream.getvalue() == ""
    assert main(["verify", "hb-not-global", "--quick"]) == 0  # stderr is not a terminal here
    assert "claims," not in capsys.readouterr().err


def test_claims_with_missing_optional_modules(monkeypatch, capsys):
    """--all leaves out a claim whose optional modules are missing and says so; naming it is a
    one-line error with the install hint."""
    from dataclasses import replace

    from ratecheck.verify import registry

    needy = replace(_claim("hb-not-global"), id="needs-nothing-here", requires=("no_mod",))
    experiment = replace(registry.get_experiment("hb-not-global"), claim_id=needy.id, claim=needy)
    monkeypatch.setitem(registry._REGISTRY, needy.id, experiment)
    assert main(["verify", "needs-nothing-here"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs no_mod" in err
    from ratecheck.verify.api import resolve, unavailable

    assert "needs-nothing-here" not in resolve(None) and "needs-nothing-here" in unavailable()


def _claim(cid):
    return ratecheck.get_claim(cid)


def test_unwritable_json_is_a_one_line_error_before_any_claim_runs(tmp_path, capsys):
    """--json in a missing folder, or naming a folder: exit 2 with one line naming the path
    and why, before any claim runs (no results folder made) and with nothing left behind."""
    jdir = tmp_path / "jdir"
    jdir.mkdir()
    cases = [(tmp_path / "nodir" / "x.json", "the folder"), (jdir, "it is a folder")]
    for target, why in cases:
        out = tmp_path / f"out-{target.name}"
        argv = ["verify", "hb-polyak-transient", "--quick", "--json", str(target)]
        assert main([*argv, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
        assert err.startswith(f"ratecheck: error: cannot write --json '{target}': {why}")
        assert not out.exists()  # checked before the results folder, before any claim
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jdir"]
    assert list(jdir.iterdir()) == []


def test_out_that_is_a_file_is_a_one_line_error(tmp_path, capsys):
    """--out naming a file (or a folder inside one): the ResultStore's one-line error,
    before any claim runs."""
    (tmp_path / "afile").write_text("")
    for out in (tmp_path / "afile", tmp_path / "afile" / "sub"):
        assert main(["verify", "hb-polyak-transient", "--quick", "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"'{out}'" in err


def test_interrupt_outside_verify_is_one_line(monkeypatch, capsys):
    """Ctrl-C in any command (here: list) ends with one line and exit 130, no traceback."""
    from ratecheck.verify import registry

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(registry, "all_claims", interrupted)
    try:
        status = main(["list"])
    except KeyboardInterrupt:
        pytest.fail("KeyboardInterrupt escaped main()")
    assert status == 130
    assert capsys.readouterr().err == "ratecheck: interrupted\n"


# Issue 21 item 5: `report` and `plot` where their output cannot be written. A good results
# folder (rows and verdicts.json, no figures yet) is copied per case and its output paths are
# blocked; the error is one line naming the path and the reason, exit status 2, and nothing is
# drawn before the check.

FIGURE = "hb-polyak-transient--worst_direction.png"  # the figure this claim's rows give


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    import ratecheck

    folder = tmp_path_factory.mktemp("results")
    ratecheck.verify(["hb-polyak-transient"], quick=True, out=folder)
    return folder


def _read_only(folder):
    if os.geteuid() == 0:
        pytest.skip("root ignores permission bits (report.html-is-a-folder covers a failed write)")
    folder.chmod(0o555)


BLOCKED = [
    (
        ["report"],
        lambda f: (f / "figures").write_text("not a folder"),
        "cannot write figures in '{f}': it is a file, not a folder",
    ),
    (
        ["plot"],
        lambda f: (f / "figures").write_text("not a folder"),
        "cannot write figures in '{f}': it is a file, not a folder",
    ),
    (
        ["plot", "--to", "{f}/figures.png"],
        lambda f: (f / "figures.png").write_text("a file"),
        "cannot write figures.png in '{f}': it is a file, not a folder",
    ),
    (
        ["plot", "--to", "{f}/verdicts.json/figures"],
        lambda f: None,
        "cannot write figures in '{f}/verdicts.json': a part of that path is a file, not a folder",
    ),
    (
        ["plot"],
        lambda f: (f / "figures" / FIGURE).mkdir(parents=True),
        f"cannot write {FIGURE} in '{{f}}/figures': it is a folder, not a file",
    ),
    (
        ["report"],
        lambda f: (f / "report.html").mkdir(),
        "cannot write report.html in '{f}': it is a folder, not a file",
    ),
    (
        ["report"],
        lambda f: (f / "report.md").mkdir(),
        "cannot write report.md in '{f}': it is a folder, not a file",
    ),
    (["report"], _read_only, "cannot write report.html in '{f}': permission denied"),
    (["plot"], _read_only, "cannot write figures in '{f}': permission denied"),
]


@pytest.mark.parametrize(
    "argv,block,message",
    BLOCKED,
    ids=[
        *("report-figures-file", "plot-figures-file", "plot-to-file", "plot-to-below-file"),
        *("plot-figure-is-folder", "report-html-is-folder", "report-md-is-folder"),
        *("report-read-only", "plot-read-only"),
    ],
)
def test_unwritable_output_is_one_line_and_exit_2(results, tmp_path, argv, block, message, capsys):
    folder = shutil.copytree(results, tmp_path / "results")
    block(folder)
    try:
        code = main([argv[0], str(folder), *(a.format(f=folder) for a in argv[1:])])
    finally:
        folder.chmod(0o755)
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err == f"ratecheck: error: {message.format(f=folder)}\n"
    if argv == ["report"]:  # checked before any figure is drawn
        assert not list(folder.glob("figures/*.png"))
