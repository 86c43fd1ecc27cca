"""Shared fixtures: ``xp`` runs a test on every available backend (CuPy skipped without a GPU);
``quick_verdicts`` verifies each claim once per session (per pytest-xdist worker) in quick mode.

A test that reads quick verdicts declares their claims (``@pytest.mark.quick_claims(*ids)``);
under pytest-xdist (``-n auto --dist loadgroup``, the default options) every test of one claim
family then runs on one worker, so that each claim is verified once in the whole run."""

import os
import shutil
import tempfile

import pytest
from packaging.version import Version

import ratecheck
from ratecheck.backend import BACKENDS, available_backends, namespace
from ratecheck.verify.executors import THREAD_VARIABLES

LOADGROUP_LOST = Version("9.2")  # pytest-xdist 3.8 groups nothing from this pytest on


@pytest.fixture(params=BACKENDS)
def xp(request):
    if request.param not in available_backends():
        pytest.skip(f"backend {request.param} not available here")
    return namespace(request.param)


def pytest_addoption(parser):
    parser.addoption(
        "--run-slow", action="store_true", help="also run the tests marked slow (long studies)"
    )


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks
def pytest_collection_modifyitems(config, items):
    family = {c.id: c.family for c in ratecheck.all_claims()}
    for item in items:
        claims = [cid for m in item.iter_markers("quick_claims") for cid in m.args]
        families = sorted({family[cid] for cid in claims})
        if families:
            item.add_marker(pytest.mark.xdist_group("quick-verdicts-" + "-".join(families)))
    skip_slow = pytest.mark.skip(reason="slow: run with --run-slow")
    skip_gpu = pytest.mark.skip(reason="needs CuPy and a CUDA device")
    has_gpu = "cupy" in available_backends()
    for item in items:
        if "slow" in item.keywords and not config.getoption("--run-slow"):
            item.add_marker(skip_slow)
        if "gpu" in item.keywords and not has_gpu:
            item.add_marker(skip_gpu)


def pytest_configure(config):
    """The CLI caches finished results by default: tests get their own cache folder. Under
    pytest-xdist the workers share the cores: each gets cores/workers BLAS and PyTorch threads
    (set here, in the controller, before it starts them), as ratecheck's own workers do."""
    workers = getattr(config.option, "numprocesses", None) or 0
    if (
        workers
        and config.option.dist == "loadgroup"
        and Version(pytest.__version__) >= LOADGROUP_LOST
    ):
        raise pytest.UsageError(
            f"pytest {pytest.__version__} ignores pytest-xdist's --dist loadgroup (each claim "
            "would be verified once per worker; pytest-dev/pytest-xdist#1386): install the test "
            "extra (pytest<9.2), or run with -n0"
        )
    if workers > 1 and not hasattr(config, "workerinput"):
        threads = str(max(1, (os.cpu_count() or 1) // workers))
        for name in THREAD_VARIABLES:
            os.environ.setdefault(name, threads)
    folder = tempfile.mkdtemp(prefix="ratecheck-test-cache-")
    os.environ["RATECHECK_CACHE"] = folder
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch, tmp_path_factory):
    """Each test starts with an empty result cache (no test sees another's entries), and a
    verify without --out writes its timestamped results folder under a temporary root."""
    monkeypatch.setenv("RATECHECK_CACHE", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("RATECHECK_RESULTS", str(tmp_path_factory.mktemp("results")))


class QuickVerdicts:
    """``quick_verdicts(ids)``: {id: Verdict} in quick mode, each claim run once per session,
    its results written under a session folder (``folders[id]``: the results folder)."""

    def __init__(self, root):
        self.root, self.verdicts, self.folders = root, {}, {}

    def __call__(self, ids):
        missing = [i for i in ids if i not in self.verdicts]
        if missing:
            folder = self.root / f"batch-{len(set(self.folders.values()))}"
            for v in ratecheck.verify(missing, quick=True, out=folder):
                self.verdicts[v.claim.id], self.folders[v.claim.id] = v, folder
        return {i: self.verdicts[i] for i in ids}


@pytest.fixture(scope="session")
def quick_verdicts(tmp_path_factory):
    return QuickVerdicts(tmp_path_factory.mktemp("quick-verdicts"))
