"""The one module that knows NumPy and CuPy by name.

Array code elsewhere takes its namespace from its inputs, ``xp = array_namespace(x)``
(array-api-compat), and never imports numpy or cupy for array work itself. Random numbers are
drawn on the host with ``numpy.random.Generator`` and moved with :func:`asarray`, so NumPy and
CuPy runs see identical random numbers (reference/conventions.md §1).
"""

from __future__ import annotations

import importlib.util
from functools import cache
from types import ModuleType
from typing import Any

import numpy as np
from array_api_compat import array_namespace as _compat_namespace
from array_api_compat import device, is_cupy_array, is_torch_array

from ratecheck.errors import UsageError

__all__ = [
    "BACKENDS",
    "array_namespace",
    "asarray",
    "available_backends",
    "device",
    "erf",
    "like",
    "namespace",
    "to_host",
    "torch_device",
]

BACKENDS = ("numpy", "cupy")


def array_namespace(*arrays: Any) -> ModuleType:
    """array-api-compat's ``array_namespace``, with a fast path for plain NumPy arrays (the
    generic lookup costs ~6 µs a call, which adds up in per-step code: the hot problems and
    solvers ask millions of times a run)."""
    for a in arrays:
        if type(a) is not np.ndarray:
            return _compat_namespace(*arrays)
    return _numpy_namespace()


@cache
def _numpy_namespace() -> ModuleType:
    import array_api_compat.numpy as xp_numpy

    return xp_numpy


def _cupy_problem() -> str | None:
    """Why CuPy cannot be used here, or None when it can."""
    if importlib.util.find_spec("cupy") is None:
        return "CuPy is not installed (pip install 'ratecheck[gpu]')"
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount() < 1:
            return "CuPy found no CUDA device"
    except Exception as exc:  # CUDA driver errors have many types
        return f"CuPy cannot reach a CUDA device ({type(exc).__name__})"
    return None


def available_backends() -> tuple[str, ...]:
    """The backends that work on this machine, NumPy always first."""
    return ("numpy",) + (("cupy",) if _cupy_problem() is None else ())


def namespace(name: str) -> ModuleType:
    """The array-API namespace of backend ``name`` ("numpy" or "cupy").

    Raises UsageError, naming the valid choices, when the backend is unknown or unusable.
    """
    if name == "numpy":
        import array_api_compat.numpy as xp_numpy

        return xp_numpy
    if name == "cupy":
        problem = _cupy_problem()
        if problem is not None:
            valid = ", ".join(available_backends())
            raise UsageError(
                f"backend 'cupy' is unavailable: {problem}; valid choices here: {valid}"
            )
        import array_api_compat.cupy as xp_cupy

        return xp_cupy
    raise UsageError(f"unknown backend '{name}'; valid choices: {', '.join(BACKENDS)}")


def asarray(host_array: Any, xp: ModuleType, dtype: Any = None) -> Any:
    """Move a host (NumPy) array into namespace ``xp``."""
    return xp.asarray(host_array, dtype=dtype)


def like(host_array: Any, reference: Any) -> Any:
    """Move a host (NumPy) array next to ``reference``: its namespace, dtype and device (a CuPy
    array's GPU, a PyTorch tensor's CPU or CUDA device)."""
    xp = array_namespace(reference)
    return xp.asarray(host_array, dtype=reference.dtype, device=device(reference))


def erf(x: Any) -> Any:
    """The error function on ``x``'s backend (the array API has none): SciPy's for NumPy,
    cupyx's for CuPy, torch.special's for PyTorch; other array-API libraries go through the
    host."""
    if is_cupy_array(x):
        from cupyx.scipy.special import erf as cupy_erf

        return cupy_erf(x)
    if is_torch_array(x):
        import torch

        return torch.special.erf(x)
    from scipy.special import erf as scipy_erf

    if isinstance(x, np.ndarray | np.generic | float):
        return scipy_erf(x)
    xp = _compat_namespace(x)  # another array-API library: through the host (slow path)
    return xp.asarray(scipy_erf(to_host(x)), dtype=x.dtype, device=device(x))


def to_host(x: Any) -> np.ndarray:
    """A NumPy copy of any backend's array (a no-op view for NumPy): CuPy's ``get``; for other
    array-API libraries the array moves to its namespace's default (host) device first."""
    if is_cupy_array(x):
        return x.get()
    if isinstance(x, np.ndarray | np.generic | float | int | list | tuple):
        return np.asarray(x)
    if is_torch_array(x):
        return x.detach().cpu().numpy()
    info = _compat_namespace(x).__array_namespace_info__()
    return np.asarray(x.to_device(info.default_device()))


def torch_device(backend: str) -> str:
    """The PyTorch device that stands for ``backend`` in the neural-network workloads: the GPU
    ("cuda") for CuPy, the CPU for NumPy. Checks the GPU is there the way ``namespace`` does."""
    if backend == "numpy":
        return "cpu"
    namespace(backend)
    import torch

    if not torch.cuda.is_available():
        raise UsageError(
            "backend 'cupy' runs the workloads on CUDA, which this PyTorch cannot"
            " reach; valid choices here: numpy"
        )
    return "cuda"


def name_of(xp: ModuleType) -> str:
    """The backend name ("numpy" or "cupy") of namespace ``xp``."""
    return "cupy" if "cupy" in xp.__name__ else "numpy"


def device_name(backend: str) -> str:
    """What computes for ``backend``: the GPU's name for CuPy, the CPU's model for NumPy."""
    if backend == "cupy":
        import cupy

        props = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.Device().id)
        name = props["name"]
        return name.decode() if isinstance(name, bytes) else str(name)
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine() or "unknown CPU"


def library_versions(backend: str) -> dict[str, str]:
    """Versions of the optional array libraries that shaped a run (CuPy and its CUDA)."""
    if backend != "cupy":
        return {}
    import cupy

    return {"cupy": cupy.__version__, "cuda_runtime": str(cupy.cuda.runtime.runtimeGetVersion())}
