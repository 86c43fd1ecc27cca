"""The performance suite behind ``ratecheck bench``: ratios measured within one run."""

from ratecheck.bench.lmo import run_lmo_benchmark
from ratecheck.bench.ns_dtypes import run_ns_dtype_benchmark
from ratecheck.bench.seeds import run_seeds_benchmark

__all__ = ["run_lmo_benchmark", "run_ns_dtype_benchmark", "run_seeds_benchmark"]
