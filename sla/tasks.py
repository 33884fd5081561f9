"""Periodic SLA work: thin tasks, safe to run twice (the database decides what is due)."""

from celery import shared_task

from complaints.errors import ComplaintError
from complaints.selectors import complaints_due_for_auto_close
from complaints.services import complaint_auto_close

from .services import sla_sweep

AUTO_CLOSE_BATCH = 500


@shared_task
def sla_sweep_task() -> dict:
    """Warn and escalate due clocks; a lost or repeated run changes nothing twice."""
    result = sla_sweep()
    return {"warnings": result.warnings, "breaches": result.breaches, "notices": result.notices}


@shared_task
def auto_close_responded_task() -> int:
    """Close responded complaints whose complainant did not answer in time, with a notice; return how many."""
    closed = 0
    for complaint in complaints_due_for_auto_close()[:AUTO_CLOSE_BATCH]:
        try:
            complaint_auto_close(complaint=complaint)
        except ComplaintError:
            continue  # answered or closed meanwhile: nothing to do
        closed += 1
    return closed
