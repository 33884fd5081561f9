"""Periodic SLA work: a thin task, safe to run twice (the database decides what is due)."""

from celery import shared_task

from .services import sla_sweep


@shared_task
def sla_sweep_task() -> dict:
    """Warn and escalate due clocks of every subject; a lost or repeated run changes nothing twice."""
    result = sla_sweep()
    return {
        "warnings": result.warnings,
        "breaches": result.breaches,
        "leadership": result.leadership,
        "notices": result.notices,
        "unreached": result.unreached,
    }
