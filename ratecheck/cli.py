"""The ``ratecheck`` command: list, verify, plot, report, bench.

Exit status: 0 when every claim is checked (it holds and its control is refuted), 1 otherwise
(a claim refuted or inconclusive, or a control not refuted),
2 for bad input (a one-line message naming the problem and the valid choices), 130 when
interrupted by Ctrl-C and 143 by SIGTERM (everything finished so far is already written).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ratecheck.errors import UsageError

if TYPE_CHECKING:
    from ratecheck.verify.executors import Task

EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# bench --suite's runs: (local workers, Dask processes)
SUITE_EXECUTORS = {"process": (1, 0), "workers": (2, 0), "dask": (0, 2)}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        raise UsageError(message)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 1, got {value}")
    return value


def _grid_value(text: str) -> float | str:
    """A number where the text is one, else a name on a categorical axis (geometry=spectral)."""
    try:
        return float(text)
    except ValueError:
        return text


def _grid_override(text: str) -> tuple[str, tuple[float | str, ...]]:
    name, sep, values = text.partition("=")
    parsed = tuple(_grid_value(v.strip()) for v in values.split(",") if v.strip())
    if not sep or not name or not parsed:
        raise argparse.ArgumentTypeError(
            f"expected NAME=V1,V2,... (e.g. kappa=10,100), got '{text}'"
        )
    return name.strip(), parsed


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ratecheck", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p_list = sub.add_parser("list", help="every claim: id, kind, source, statement, prediction")
    p_list.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p_verify = sub.add_parser("verify", help="run claims' experiments and judge them")
    p_verify.add_argument("ids", nargs="*", metavar="ID", help="claim ids (see ratecheck list)")
    p_verify.add_argument("--all", action="store_true", help="every claim")
    p_verify.add_argument("--quick", action="store_true", help="smaller grids and fewer seeds")
    p_verify.add_argument("--backend", default="numpy", help="numpy (default) or cupy")
    p_verify.add_argument(
        "--seeds",
        type=_positive_int,
        help="seeds per grid point, fixed (default: the mode's seeds, doubled while a claim is "
        "inconclusive: up to 2x in quick mode, 8x in full mode)",
    )
    p_verify.add_argument(
        "--grid",
        type=_grid_override,
        action="append",
        default=[],
        metavar="NAME=V1,V2",
        help="override a grid parameter, e.g. kappa=10,100",
    )
    p_verify.add_argument(
        "--out",
        metavar="DIR",
        help="results folder: rows (Parquet), verdicts.json, figures (default "
        "$RATECHECK_RESULTS or ./ratecheck-results, then a timestamp)",
    )
    p_verify.add_argument("--json", metavar="FILE", help="write the verdict records as JSON")
    p_verify.add_argument("--pdf", action="store_true", help="also write PDF figures")
    p_verify.add_argument(
        "--workers", type=_positive_int, default=1, metavar="N", help="run claims on N processes"
    )
    p_verify.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run claims on a Dask distributed cluster (extra 'cluster'), e.g. tcp://host:8786",
    )
    p_verify.add_argument(
        "--no-cache",
        action="store_true",
        help="recompute every claim and store nothing (default: reuse finished results from "
        "$RATECHECK_CACHE or ~/.cache/ratecheck; its recorded durations still order the tasks)",
    )
    p_verify.add_argument(
        "--quiet", action="store_true", help="no progress line (it is shown only on a terminal)"
    )

    p_bench = sub.add_parser("bench", help="performance suite: ratios measured in one run")
    p_bench.add_argument("--quick", action="store_true", help="small sizes (seconds)")
    p_bench.add_argument("--backend", default="numpy", help="numpy (default) or cupy")
    p_bench.add_argument("--json", metavar="FILE", help="write the rows and targets as JSON")
    p_bench.add_argument(
        "--suite",
        action="store_true",
        help="the scaling record instead: every claim (full mode; --quick: quick mode), "
        "uncached, in this process, on 2 local workers and on a 2-process Dask LocalCluster "
        "(needs the cluster extra), with a schedule simulation for 8, 32 and 128 workers",
    )
    p_bench.add_argument(
        "ids",
        nargs="*",
        metavar="ID",
        help="with --suite: only these claims (default: every claim; see ratecheck list)",
    )
    p_bench.add_argument(
        "--executors",
        metavar="E1,E2",
        help=f"with --suite: which runs, in order, from {', '.join(SUITE_EXECUTORS)} "
        "(default: all three; dask needs the cluster extra)",
    )
    p_bench.add_argument(
        "--keep",
        metavar="DIR",
        help="with --suite and one executor: keep the finished tasks and their durations in DIR, "
        "so that an interrupted or later run goes on where it stopped; the record covers every "
        "run kept there (a full-mode record over several sittings)",
    )

    p_plot = sub.add_parser("plot", help="figures from a results folder (no rerun)")
    p_plot.add_argument("folder", metavar="DIR", help="a folder written by verify --out")
    p_plot.add_argument("--claim", action="append", metavar="ID", help="only these claims")
    p_plot.add_argument("--pdf", action="store_true", help="also write PDF")
    p_plot.add_argument("--to", metavar="DIR", help="figure folder (default DIR/figures)")

    p_report = sub.add_parser(
        "report", help="report.html (self-contained) and report.md from a results folder"
    )
    p_report.add_argument("folder", metavar="DIR", help="a folder written by verify --out")
    return parser


def _fmt(value: object, near: float | None = None) -> str:
    """Six significant digits, or twelve when ``value`` agrees with ``near`` to 1e-5."""
    if value is None:
        return "-"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        close = near is not None and abs(value - near) <= 1e-5 * abs(near) and value != near
        return f"{value:.12g}" if close else f"{value:.6g}"
    return str(value)


def _table(
    header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int] | None = None
) -> str:
    if widths is None:
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(out)


def _predicted_text(claim) -> str:
    import sympy as sp

    value = claim.predicted
    if isinstance(value, sp.MatrixBase):  # rows of numbers (a cycle, bands, ...)
        return "; ".join(
            "(" + ", ".join(f"{float(v):.6g}" for v in value.row(i)) + ")"
            for i in range(value.rows)
        )
    return sp.sstr(value)


def cmd_list(args: argparse.Namespace) -> int:
    from ratecheck.verify.registry import all_claims, claim_file

    claims = all_claims()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "kind": c.kind,
                        "family": c.family,
                        "file": claim_file(c.id),
                        "source": c.source,
                        "statement": c.statement,
                        "prediction": c.prediction_text,
                        "predicted": _predicted_text(c),
                        "tolerance": c.tolerance,
                        "tolerance_full": c.tolerance_of(False),
                        "predictions": {
                            name: {"kind": p.kind or c.kind, "text": p.text or str(p.expr)}
                            for name, p in c.predictions
                        },
                        "experiment": c.experiment,
                        "control": c.control,
                        "provenance": [str(p) for p in c.provenance],
                    }
                    for c in claims
                ],
                indent=2,
            )
        )
        return EXIT_OK
    rows = [
        (c.id, c.kind, _predicted_text(c), "derived" if c.derived else "paper", claim_file(c.id))
        for c in claims
    ]
    print(_table(("claim", "kind", "predicted (SymPy)", "provenance", "file"), rows))
    for c in claims:
        print(
            f"\n{c.id} ({c.kind}): {c.statement}\n  file: {claim_file(c.id)}"
            f"\n  source: {c.source}\n  prediction: {c.prediction_text}"
        )
        for name, p in c.predictions:
            print(f"  prediction '{name}' ({p.kind or c.kind}): {p.text or p.expr}")
        print(f"  control: {c.control}")
        for p in c.provenance:
            print(f"  - {p}")
    return EXIT_OK


def _verdict_row(v) -> tuple[str, ...]:
    from ratecheck.figures.report import referee_cell

    h = v.result.headline
    c = v.control.headline
    return (
        v.claim.id,
        v.claim.kind,
        _fmt(h.predicted),
        _fmt(h.measured, h.predicted),
        f"[{_fmt(h.ci_low, h.predicted)}, {_fmt(h.ci_high, h.predicted)}]"
        if h.stochastic
        else "— (exact)",
        f"{h.tolerance:g}",
        v.result.outcome + ("" if v.result.status == "ok" else f" ({v.result.status})"),
        f"{v.control.outcome} ({_fmt(c.measured)})",
        v.outcome,
        referee_cell(v.referee_outcome),
        f"{v.wall_s:.1f}",
    )


def _clock(seconds: float) -> str:
    minutes, sec = divmod(round(seconds), 60)
    return f"{minutes:02d}:{sec:02d}"


class Progress:
    """A one-line progress display on stderr: claims done / total, tasks finished and running
    with the last one's duration, elapsed time, ETA (from the mean time per finished claim).
    Silent unless ``enabled`` (a terminal, no --quiet)."""

    def __init__(self, total: int, enabled: bool, stream=None) -> None:
        self.total, self.enabled = total, enabled
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()
        self.done = self.tasks = self.running = 0
        self.last = ""

    def line(self, done: int, now: float | None = None) -> str:
        elapsed = (now if now is not None else time.perf_counter()) - self.start
        eta = elapsed / done * (self.total - done) if done else float("nan")
        eta_text = _clock(eta) if math.isfinite(eta) else "--:--"
        tasks = (
            f"{self.tasks} tasks done, {self.running} running{self.last}, " if self.tasks else ""
        )
        return (
            f"ratecheck: {done}/{self.total} claims, {tasks}{_clock(elapsed)} elapsed, "
            f"ETA {eta_text}"
        )

    def update(self, done: int) -> None:
        self.done = done
        if self.enabled and done < self.total:
            self.stream.write("\r\033[K" + self.line(done))
            self.stream.flush()

    def task(self, task: Task, seconds: float, running: int) -> None:
        """A task finished (``verify``'s on_task): count it and show its claim and duration."""
        self.tasks += 1
        self.running = running
        self.last = f" (last: {task.claim_id} {seconds:.0f} s)"
        self.update(self.done)

    def clear(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()


class Terminated(KeyboardInterrupt):
    """SIGTERM during ``ratecheck verify``, handled as an interruption (Ctrl-C)."""


EXIT_TERMINATED = 143  # 128 + SIGTERM, as the shell reports a process that SIGTERM ended


def _interrupted_status(exc: KeyboardInterrupt) -> int:
    return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED


def _sigterm_interrupts(command):
    """Run ``command`` with SIGTERM raising :class:`Terminated`, so that ``kill`` stops the
    workers and reports like Ctrl-C; a second SIGTERM ends the process at once. The previous
    handler is restored after (Python sets handlers in the main thread only)."""
    import functools
    import signal
    import threading

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        if threading.current_thread() is not threading.main_thread():
            return command(args)

        def on_sigterm(signum, frame):
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            raise Terminated

        previous = signal.signal(signal.SIGTERM, on_sigterm)
        try:
            return command(args)
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)

    return run


def _claims_of(arg: str) -> list[str]:
    """A claim id, or the ids of the claims a Python file defines (``verify my_claims.py``)."""
    if not arg.endswith(".py"):
        return [arg]
    from ratecheck.user import load_claim_file

    return load_claim_file(arg)


@_sigterm_interrupts
def cmd_verify(args: argparse.Namespace) -> int:
    from ratecheck.figures.report import VERDICT_COLUMNS
    from ratecheck.verify.api import repeated, resolve, unavailable, verify
    from ratecheck.verify.cache import TaskCache

    if args.all and args.ids:
        raise UsageError("give claim ids or --all, not both")
    if not args.all and not args.ids:
        raise UsageError("name claims to verify (see: ratecheck list) or pass --all")
    named = [i for arg in args.ids for i in _claims_of(arg)]  # claim files give their claims
    ids = resolve(None if args.all else named)
    for claim_id, count in repeated(named).items():
        print(f"ratecheck: {claim_id} is named {count} times; it runs once", file=sys.stderr)
    if args.all and unavailable():
        print(
            f"left out (optional modules not installed): {', '.join(unavailable())}",
            file=sys.stderr,
        )
    grid = dict(args.grid)
    header = (*VERDICT_COLUMNS, "wall_s")
    widths = (max(map(len, ids)), 14, 10, 16, 36, 6, 8, 22, 8, 13, 6)
    verdicts = []

    progress = Progress(len(ids), enabled=not args.quiet and sys.stderr.isatty())

    def report(v) -> None:
        verdicts.append(v)
        progress.clear()
        lines = _table(header, [_verdict_row(v)], widths).splitlines()
        print("\n".join(lines if len(verdicts) == 1 else lines[-1:]), flush=True)
        progress.update(len(verdicts))

    from ratecheck.verify.executors import TaskFailed
    from ratecheck.verify.store import default_results_folder
    from ratecheck.verify.verdict import tally

    if args.workers > 1 and args.scheduler:
        raise UsageError("give --workers or --scheduler, not both")
    out = args.out or str(default_results_folder())
    _check_json_target(args.json)  # --out: the ResultStore checks it, also before any claim
    try:
        verdicts[:] = verify(
            ids,
            quick=args.quick,
            backend=args.backend,
            seeds=args.seeds,
            grid=grid,
            out=out,
            on_verdict=report,
            cache=None if args.no_cache else TaskCache(),
            durations=TaskCache().durations() if args.no_cache else None,
            workers=args.workers,
            scheduler=args.scheduler,
            on_task=progress.task,
        )
    except (KeyboardInterrupt, TaskFailed) as exc:
        progress.clear()
        done = {v.claim.id for v in verdicts}
        missing = [i for i in ids if i not in done]
        verdicts.sort(key=lambda v: ids.index(v.claim.id))
        why = "interrupted" if isinstance(exc, KeyboardInterrupt) else f"error: {exc}"
        print(
            f"ratecheck: {why}; {len(done)} of {len(ids)} claims finished, their results are in "
            f"{out}; not finished: {', '.join(missing)}",
            file=sys.stderr,
        )
        _write_json(args.json, verdicts, unfinished=missing)
        if isinstance(exc, KeyboardInterrupt):
            return _interrupted_status(exc)
        return EXIT_USAGE if exc.user_claim else EXIT_UNEXPECTED  # a user's claim that raises
    _write_json(args.json, verdicts)
    from ratecheck.figures import plot_results
    from ratecheck.referee.crosscheck import REFEREE
    from ratecheck.referee.crosscheck import summary as referee_summary
    from ratecheck.verify.store import read_results

    try:
        rows, doc = read_results(out)
        formats = ("png", "pdf") if args.pdf else ("png",)
        plot_results(rows, doc["verdicts"], f"{out}/figures", formats, ids)  # this run's
    except KeyboardInterrupt as exc:  # every claim finished: only figures are missing
        print(
            f"ratecheck: interrupted while drawing figures; the results are in {out} "
            f"(redraw with: ratecheck plot {out})",
            file=sys.stderr,
        )
        return _interrupted_status(exc)
    for v in verdicts:
        for p in v.claim.provenance:
            if p.label != "paper":
                print(f"  {v.claim.id}: {p}")
        if v.finding:
            print(f"  FINDING {v.finding}")
        if v.referee_outcome is not None:
            print(f"  PEP referee {v.claim.id}: {referee_summary(v.extra[REFEREE])}")
    print(
        tally([v.outcome for v in verdicts]) + " (checked: the claim holds, its control is refuted)"
    )
    print(f"results: {out} (ratecheck report {out})")
    return EXIT_OK if all(v.checked for v in verdicts) else EXIT_UNEXPECTED


def _check_json_target(path: str | None) -> None:
    """--json FILE, before any claim runs: a one-line UsageError unless FILE can be written
    (it is no folder, and its folder exists and is writable)."""
    if not path:
        return
    import os

    folder = Path(path).parent
    if os.path.isdir(path):
        why = f"it is a folder; give a file name, e.g. {Path(path) / 'verdicts.json'}"
    elif not os.path.isdir(folder):
        why = f"the folder '{folder}' " + ("is a file" if os.path.exists(folder) else "is missing")
    elif not os.access(folder, os.W_OK | os.X_OK):
        why = f"the folder '{folder}' is not writable"
    else:
        return
    raise UsageError(f"cannot write --json '{path}': {why}")


def _write_json(path: str | None, verdicts, unfinished: Sequence[str] = ()) -> None:
    """--json FILE: the verdict records and the claims not finished, written atomically (a
    uniquely named temporary file beside FILE, renamed onto it, removed on failure)."""
    if path:
        from ratecheck.verify.store import write_verdicts

        try:
            write_verdicts(
                path,
                [v.record() for v in verdicts],
                {"backend": verdicts[0].backend if verdicts else None},
                unfinished=unfinished,
            )
        except OSError as exc:  # the folder went away or filled up during the run
            raise UsageError(f"cannot write --json '{path}': {exc.strerror or exc}") from None


def cmd_plot(args: argparse.Namespace) -> int:
    from ratecheck.figures import plot_results
    from ratecheck.verify.store import read_results

    rows, doc = read_results(args.folder)
    known = {r["claim"] for r in doc["verdicts"]}
    for cid in args.claim or []:
        if cid not in known:
            raise UsageError(
                f"claim '{cid}' is not in {args.folder}; it has: {', '.join(sorted(known))}"
            )
    paths = plot_results(
        rows,
        doc["verdicts"],
        args.to or f"{args.folder}/figures",
        ("png", "pdf") if args.pdf else ("png",),
        args.claim,
    )
    for p in paths:
        print(p)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from ratecheck.figures.report import write_report

    def warn(message: str) -> None:
        print(f"ratecheck: warning: {message}", file=sys.stderr)

    for path in write_report(args.folder, warn=warn):
        print(path)
    return EXIT_OK


@_sigterm_interrupts
def cmd_bench(args: argparse.Namespace) -> int:
    from ratecheck.backend import namespace

    if args.suite:
        return _bench_suite(args)
    if args.ids or args.executors or args.keep:
        raise UsageError("claim ids, --executors and --keep go with bench --suite")
    from ratecheck.bench import run_lmo_benchmark, run_ns_dtype_benchmark, run_seeds_benchmark
    from ratecheck.bench.ns_dtypes import comparisons as ns_comparisons

    namespace(args.backend)  # a missing backend is a one-line error before any timing
    header = (
        "shape",
        "dtype",
        "batch",
        "svd_s",
        "ns_s",
        "svd/ns",
        "ns GFLOP/s",
        "matmul GFLOP/s",
        "NS efficiency",
    )
    report = _row_printer(
        header,
        (10, 8, 5, 10, 10, 8, 11, 15, 13),
        lambda r: (
            r["shape"],
            r["dtype"],
            str(r["batch"]),
            f"{r['svd_s']:.4g}",
            f"{r['ns_s']:.4g}",
            f"{r['svd_over_ns']:.3g}",
            f"{r['ns_gflops']:.4g}",
            f"{r['matmul_gflops']:.4g}",
            f"{r['efficiency']:.3f}",
        ),
    )

    print(f"spectral LMO: SVD vs Newton–Schulz (ns5, 5 steps), backend {args.backend}")
    result = run_lmo_benchmark(quick=args.quick, backend=args.backend, report=report)
    print(f"\nNewton–Schulz by compute dtype, and PyTorch's, backend {args.backend}")
    dtypes = run_ns_dtype_benchmark(quick=args.quick, backend=args.backend, report=_ns_printer())
    print(f"\nbatched seeds vs sequential runs (uSCG inner loop), backend {args.backend}")
    seeds = run_seeds_benchmark(quick=args.quick, backend=args.backend, report=_seeds_printer())
    for line in ns_comparisons(dtypes["rows"]):
        print(line)
    for t in result["targets"] + dtypes["targets"] + seeds["targets"]:
        print(f"{'PASS' if t['passed'] else 'FAIL'}  {t['target']}: measured {t['measured']:.3g}")
    print("measured on: " + ", ".join(f"{k} {v}" for k, v in result["environment"].items()))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({**result, "ns_dtypes": dtypes, "batched_seeds": seeds}, fh, indent=2)
    return EXIT_OK


def _bench_suite(args: argparse.Namespace) -> int:
    import importlib.util

    from ratecheck.bench.suite import run_suite_benchmark
    from ratecheck.verify.registry import get_claim

    if args.backend != "numpy":
        raise UsageError("bench --suite runs on numpy only (valid: --backend numpy)")
    names = args.executors.split(",") if args.executors else list(SUITE_EXECUTORS)
    unknown = [n for n in names if n not in SUITE_EXECUTORS]
    if unknown or not names or len(set(names)) < len(names):
        raise UsageError(
            f"--executors {args.executors!r}: name each once, from {', '.join(SUITE_EXECUTORS)}"
        )
    if "dask" in names and importlib.util.find_spec("distributed") is None:
        if args.executors:
            raise UsageError(
                "--executors dask needs the cluster extra: pip install 'ratecheck[cluster]'"
            )
        print("Dask distributed not installed: no cluster run (pip install 'ratecheck[cluster]')")
        names.remove("dask")
    if args.keep and len(names) != 1:
        raise UsageError(
            "--keep runs one executor: name it with --executors, one of "
            + ", ".join(SUITE_EXECUTORS)
        )
    ids = [get_claim(i).id for i in args.ids] or None  # an unknown id: the valid ones, exit 2
    executors = [SUITE_EXECUTORS[n] for n in names]
    keep = Path(args.keep) if args.keep else None
    if keep is not None:
        try:
            keep.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(
                f"--keep {args.keep}: cannot make that folder ({exc.strerror})"
            ) from None

    def report(run: dict) -> None:
        counts = Counter(run["outcomes"].values())
        print(
            f"{run['executor']:>18}: wall {run['wall_s']:.1f} s, CPU {run['cpu_s']:.1f} s"
            + (f" over {run['sittings']} sittings" if run["sittings"] > 1 else "")
            + (
                f" ({len(run['cut_off_sittings'])} cut off without their wall and CPU: "
                "the wall is a lower bound)"
                if run["cut_off_sittings"]
                else ""
            )
            + ", "
            + ", ".join(f"{n} {o}" for o, n in sorted(counts.items())),
            flush=True,
        )

    mode = "quick" if args.quick else "full"
    if keep is None:
        print(f"the suite in {mode} mode, uncached, on {len(executors)} executors")
    else:
        print(f"the suite in {mode} mode on {names[0]}, kept in {keep} (finished tasks are reused)")
    result = run_suite_benchmark(
        quick=args.quick, ids=ids, executors=executors, report=report, keep=keep
    )
    print(
        f"{result['tasks']} tasks, {result['task_seconds']:.1f} task seconds "
        f"({result['tasks_of']}; {result['first_run_task_seconds']:.1f} in the first run), "
        f"longest task {result['longest_task_s']:.1f} s"
    )
    for workers, wall in result["simulated_wall_s"].items():
        print(f"simulated wall on {workers} workers: {wall:.1f} s")
    for t in result["targets"]:
        verdict = {True: "PASS", False: "FAIL", None: "NOT JUDGED (a lower bound)"}[t["passed"]]
        print(f"{verdict}  {t['target']}: measured {t['measured']:.3g} (limit {t['limit']:g})")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=2)
    return EXIT_OK


def _ns_printer():
    header = ("shape", "dtype", "ns_s", "NS TFLOP/s", "matmul TFLOP/s", "NS efficiency", "note")
    return _row_printer(
        header,
        (10, 14, 10, 10, 14, 13, 4),
        lambda r: (
            r["shape"],
            r["dtype"],
            f"{r['ns_s']:.4g}",
            f"{r['ns_tflops']:.4g}" if "ns_tflops" in r else "",
            f"{r['matmul_tflops']:.4g}" if "matmul_tflops" in r else "",
            f"{r['efficiency']:.3f}" if "efficiency" in r else "",
            r.get("note", ""),
        ),
    )


def _row_printer(header: Sequence[str], widths: Sequence[int], cells_of):
    """A report callback printing the table header once, then one row per result."""
    printed = []

    def report(r: dict) -> None:
        lines = _table(header, [cells_of(r)], widths).splitlines()
        print("\n".join(lines if not printed else lines[-1:]), flush=True)
        printed.append(r)

    return report


def _seeds_printer():
    header = (
        "geometry",
        "shape",
        "seeds",
        "steps",
        "batched_s",
        "sequential_s",
        "speed-up",
        "max rel diff",
    )
    return _row_printer(
        header,
        (8, 10, 5, 5, 10, 12, 8, 12),
        lambda r: (
            r["geometry"],
            r["shape"],
            str(r["seeds"]),
            str(r["steps"]),
            f"{r['batched_s']:.4g}",
            f"{r['sequential_s']:.4g}",
            f"{r['speedup']:.3g}",
            f"{r['max_rel_diff']:.2g}",
        ),
    )


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        commands = {
            "list": cmd_list,
            "verify": cmd_verify,
            "plot": cmd_plot,
            "report": cmd_report,
            "bench": cmd_bench,
        }
        return commands[args.command](args)
    except UsageError as exc:
        print(f"ratecheck: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt as exc:  # before a command's own handling (verify's) takes over
        print("ratecheck: interrupted", file=sys.stderr)
        return _interrupted_status(exc)
    except BrokenPipeError:  # output piped into head & co.
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
