"""Shared fixtures: ``xp`` runs a test on every available backend (CuPy skipped without a GPU)."""

import os
import tempfile

import pytest

from ratecheck.backend import BACKENDS, available_backends, namespace


@pytest.fixture(params=BACKENDS)
def xp(request):
    if request.param not in available_backends():
        pytest.skip(f"backend {request.param} not available here")
    return namespace(request.param)


def pytest_collection_modifyitems(config, items):
    if "cupy" in available_backends():
        return
    skip_gpu = pytest.mark.skip(reason="needs CuPy and a CUDA device")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip_gpu)


def pytest_configure(config):
    """The CLI caches finished results by default: tests get their own cache folder."""
    os.environ["RATECHECK_CACHE"] = tempfile.mkdtemp(prefix="ratecheck-test-cache-")


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch, tmp_path_factory):
    """Each test starts with an empty result cache (no test sees another's entries), and a
    verify without --out writes its timestamped results folder under a temporary root."""
    monkeypatch.setenv("RATECHECK_CACHE", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("RATECHECK_RESULTS", str(tmp_path_factory.mktemp("results")))
