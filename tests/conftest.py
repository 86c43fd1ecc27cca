"""Shared fixtures: ``xp`` runs a test on every available backend (CuPy skipped without a GPU)."""

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
