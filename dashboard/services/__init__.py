"""The dashboard's writes: the period reports, and the refresh of the stored daily figures."""

from .reports import report_font, report_generate, report_run_start, report_scope
from .rollup import RollupRefresh, rollup_refresh

__all__ = [
    "RollupRefresh",
    "report_font",
    "report_generate",
    "report_run_start",
    "report_scope",
    "rollup_refresh",
]
