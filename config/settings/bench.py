"""Settings for the benchmarks in bench/: like the test settings (published keys, no debug), own database."""

from .test import *  # noqa: F403

# The trivial CSRF-checked form bench/filing_throughput.py compares the filing form with.
BENCH_URLS = True
