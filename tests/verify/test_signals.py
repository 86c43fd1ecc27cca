"""Signals to ``ratecheck verify``: SIGTERM is an interruption like Ctrl-C (one line, exit 143,
--json written with the unfinished claims), workers do not outlive their parent, and an
interruption while figures are drawn keeps everything (issue 21, items 7 and 8).

Each run is a subprocess (``python -c`` calling ``ratecheck.cli.main``, as ``python -m
ratecheck verify`` does) with its output in files, so that a leftover worker holding a pipe
cannot hang the test."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
LINUX_PROC = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")

SLEEPY_CLAIM = textwrap.dedent(
    """
    import time
    import sympy as sp
    from ratecheck import Claim, Provenance, define_claim


    def sleepy(claim, settings, grid):
        time.sleep(120)


    SLEEPY = define_claim(
        Claim(
            id="signal-test-sleepy", kind="exponent", family="test", source="test",
            statement="test", prediction=lambda: sp.Integer(0), prediction_text="0",
            tolerance=0.1, experiment="test", control="test",
            provenance=(Provenance("x", "derived", "t"),),
        ),
        run=sleepy,
    )
    """
)


def _children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (zombies left out: they are dead)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state_and_ppid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, IndexError):
            continue
        if state_and_ppid[0] != "Z" and state_and_ppid[1] == str(pid):
            found.add(int(entry.name))
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _wait_gone(pids: set[int], timeout: float = 10.0) -> set[int]:
    deadline = time.monotonic() + timeout
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _alive(pids)


class Run:
    """``ratecheck verify ARGV`` in a subprocess, in a process group of its own, after
    ``prelude`` (Python statements); its stdout and stderr in files."""

    def __init__(self, tmp_path: Path, argv: list[str], prelude: str = "") -> None:
        (tmp_path / "signal_test_claims.py").write_text(SLEEPY_CLAIM)
        self.out, self.json = tmp_path / "out", tmp_path / "v.json"
        argv = ["verify", *argv, "--quick", "--out", str(self.out), "--json", str(self.json)]
        script = (
            "import signal, sys\n"
            "signal.signal(signal.SIGINT, signal.default_int_handler)  # even if inherited off\n"
            "import signal_test_claims\n"
            f"{prelude}\n"
            "from ratecheck.cli import main\n"
            f"sys.exit(main({argv!r}))\n"
        )
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
        self.stdout, self.stderr = tmp_path / "stdout", tmp_path / "stderr"
        with self.stdout.open("w") as so, self.stderr.open("w") as se:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", script],
                stdout=so,
                stderr=se,
                env=env,
                start_new_session=True,
            )

    def wait_for_row(self, claim: str, timeout: float = 60.0) -> None:
        """Until the verdict table shows ``claim`` (it is printed once the claim's results
        are written)."""
        deadline = time.monotonic() + timeout
        while f"\n{claim} " not in self.stdout.read_text():
            assert self.proc.poll() is None, self.stderr.read_text()
            assert time.monotonic() < deadline, f"no verdict row for {claim}"
            time.sleep(0.05)

    def children(self, count: int, timeout: float = 30.0) -> set[int]:
        """The run's child processes, once there are ``count`` of them."""
        deadline = time.monotonic() + timeout
        while len(found := _children(self.proc.pid)) < count:
            assert time.monotonic() < deadline, f"children of verify: {found}"
            time.sleep(0.05)
        return found

    def wait(self, timeout: float = 20.0) -> int:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"ratecheck verify still running {timeout} s after the signal")

    def kill_all(self) -> None:
        """End what is left of the run: the process and anything in its process group."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


@pytest.fixture
def start_verify(tmp_path):
    runs = []

    def start(argv: list[str], prelude: str = "") -> Run:
        runs.append(Run(tmp_path, argv, prelude))
        return runs[-1]

    yield start
    for run in runs:
        run.kill_all()


@LINUX_PROC
@pytest.mark.parametrize(
    "sig,status,workers,group",
    [
        (signal.SIGTERM, 143, 2, False),
        (signal.SIGINT, 130, 2, False),
        (signal.SIGINT, 130, 2, True),
        (signal.SIGTERM, 143, 1, False),
    ],
    ids=["sigterm-workers", "sigint-to-parent-workers", "sigint-to-group-workers", "sigterm"],
)
def test_signal_while_running_stops_workers_and_reports_the_unfinished(
    start_verify, sig, status, workers, group
):
    """SIGTERM, or SIGINT to the parent alone (kill -INT) or to its process group (Ctrl-C at
    a terminal), while a claim runs: exactly the one-line interruption message, exit 128 +
    signal, both JSON files list the unfinished claim, and the workers and multiprocessing's
    resource tracker are gone."""
    run = start_verify(["hb-not-global", "signal-test-sleepy", "--workers", str(workers)])
    run.wait_for_row("hb-not-global")
    children = run.children(3 if workers > 1 else 0)  # two workers and the resource tracker
    if group:
        os.killpg(run.proc.pid, sig)
    else:
        run.proc.send_signal(sig)
    assert run.wait() == status
    assert _wait_gone(children) == set()
    assert run.stderr.read_text() == (
        f"ratecheck: interrupted; 1 of 2 claims finished, their results are in {run.out}; "
        "not finished: signal-test-sleepy\n"
    )
    for doc in (
        json.loads(run.json.read_text()),
        json.loads((run.out / "verdicts.json").read_text()),
    ):
        assert [r["claim"] for r in doc["verdicts"]] == ["hb-not-global"]
        assert doc["unfinished"] == ["signal-test-sleepy"]


@LINUX_PROC
def test_workers_exit_when_the_parent_is_killed(start_verify):
    """SIGKILL of verify --workers 2 (no cleanup possible): the workers end themselves, and
    the resource tracker with them."""
    run = start_verify(["hb-not-global", "signal-test-sleepy", "--workers", "2"])
    run.wait_for_row("hb-not-global")
    children = run.children(3)
    run.proc.kill()
    assert run.wait() == -signal.SIGKILL
    assert _wait_gone(children) == set()


WATCHED_WORKER = textwrap.dedent(
    """
    import subprocess, sys
    child = '''
    import os, sys, time
    from pathlib import Path
    from ratecheck.verify import executors
    if sys.argv[1] == "watchdog":
        executors._kill_at_parent_death = lambda: False
    executors._exit_with_parent(os.getppid())
    Path(sys.argv[2]).write_text("ready")
    time.sleep(120)
    '''
    worker = subprocess.Popen([sys.executable, "-c", child, *sys.argv[1:]])
    print(worker.pid, flush=True)
    worker.wait()  # this process ends by itself only when the worker failed
    """
)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not Path("/proc").exists() or bool(_alive({pid}))  # a zombie is no longer running


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX parent ids")
@pytest.mark.parametrize("how", ["prctl", "watchdog"])
def test_worker_initializer_ends_the_worker_with_its_parent(tmp_path, how):
    """The initializer of the local-process workers on its own: the kernel's parent-death
    signal (Linux) and the polling thread (elsewhere, forced here) each end an orphan."""
    if how == "prctl" and not sys.platform.startswith("linux"):
        pytest.skip("prctl is Linux's")
    ready = tmp_path / "ready"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    parent = subprocess.Popen(
        [sys.executable, "-c", WATCHED_WORKER, how, str(ready)],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
        start_new_session=True,
    )
    worker = None
    try:
        worker = int(parent.stdout.readline())
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert parent.poll() is None, "the worker failed to start"
            assert time.monotonic() < deadline, "the worker did not start in 30 s"
            time.sleep(0.05)
        parent.kill()
        parent.wait(10)
        deadline = time.monotonic() + 10
        while _running(worker):
            assert time.monotonic() < deadline, f"the worker ({how}) outlived its parent by 10 s"
            time.sleep(0.05)
    finally:
        parent.kill()
        parent.wait()
        parent.stdout.close()
        try:
            os.killpg(parent.pid, signal.SIGKILL)  # the worker, if it is still there
        except (ProcessLookupError, PermissionError):
            pass


@pytest.mark.parametrize(
    "sig,status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["sigint", "sigterm"]
)
def test_signal_while_drawing_figures_keeps_everything(start_verify, sig, status):
    """Every claim finished, the signal comes while figures are drawn: one line saying where
    the results are and how to redraw, exit 128 + signal, --json complete."""
    prelude = (
        "import os, time, ratecheck.figures\n"
        "def plot_results(*args, **kwargs):\n"
        f"    os.kill(os.getpid(), {int(sig)})\n"
        "    time.sleep(30)\n"
        "ratecheck.figures.plot_results = plot_results"
    )
    run = start_verify(["hb-polyak-transient"], prelude)
    assert run.wait(60) == status
    assert run.stderr.read_text() == (
        f"ratecheck: interrupted while drawing figures; the results are in {run.out} "
        f"(redraw with: ratecheck plot {run.out})\n"
    )
    doc = json.loads(run.json.read_text())
    assert [r["claim"] for r in doc["verdicts"]] == ["hb-polyak-transient"]
    assert doc["unfinished"] == []
    assert json.loads((run.out / "verdicts.json").read_text())["unfinished"] == []


def test_interrupted_dask_run_cancels_its_tasks_and_closes_the_client():
    """The Dask path on an interruption: the remaining futures are cancelled (the scheduler
    forgets them) and the client is closed."""
    distributed = pytest.importorskip("distributed")
    from ratecheck.verify.api import plan
    from ratecheck.verify.executors import DaskCluster

    claims = ["hb-not-global", "hb-polyak-transient", "ggnc-descent"]
    tasks = plan(claims, True, "numpy", None, None)
    with distributed.LocalCluster(
        processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        client = distributed.Client(cluster.scheduler_address, set_as_default=False)
        with pytest.raises(KeyboardInterrupt), DaskCluster.on(client) as executor:
            for i, task in enumerate(tasks):
                executor.submit(i, task)
            next(executor.finished())
            raise KeyboardInterrupt
        assert client.status == "closed"
        deadline = time.monotonic() + 10
        while cluster.scheduler.tasks and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not cluster.scheduler.tasks
