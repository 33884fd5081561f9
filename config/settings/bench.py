"""Settings for the benchmarks in bench/: like the test settings (published keys, no debug), own database."""

from .test import *  # noqa: F403
