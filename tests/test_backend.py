"""The backend module: moves to and from the host, placement next to a reference array, erf on
every namespace."""

import numpy as np
import pytest
from scipy.special import erf as scipy_erf

from ratecheck.backend import erf, like, to_host, torch_device

X = np.linspace(-2.0, 2.0, 7)


def test_to_host_and_like_on_numpy():
    assert to_host(X) is X or np.shares_memory(to_host(X), X)
    np.testing.assert_array_equal(to_host([1.0, 2.0]), [1.0, 2.0])
    placed = like(X, np.zeros(3, dtype=np.float32))
    assert placed.dtype == np.float32
    np.testing.assert_allclose(placed, X, rtol=1e-7)
    np.testing.assert_array_equal(erf(X), scipy_erf(X))
    assert torch_device("numpy") == "cpu"


def test_torch_tensors_round_trip():
    torch = pytest.importorskip("torch")
    t = torch.tensor(X, requires_grad=True)
    np.testing.assert_array_equal(to_host(t), X)
    placed = like(X, torch.zeros(2, dtype=torch.float32))
    assert isinstance(placed, torch.Tensor) and placed.dtype == torch.float32
    np.testing.assert_allclose(to_host(erf(torch.tensor(X))), scipy_erf(X), rtol=1e-12)


def test_another_library_on_another_device_moves_explicitly():
    xs = pytest.importorskip("array_api_strict")
    device = xs.Device("device1")
    x = xs.asarray(X, device=device)
    with pytest.raises(RuntimeError):
        np.asarray(x)  # no implicit move
    np.testing.assert_array_equal(to_host(x), X)
    assert like(X, x).device == device and erf(x).device == device
    np.testing.assert_array_equal(to_host(erf(x)), scipy_erf(X))
