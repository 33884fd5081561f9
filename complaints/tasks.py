"""Periodic complaint work: thin tasks, safe to run twice (the database decides what is due)."""

from celery import shared_task

from .errors import ComplaintError
from .selectors import complaints_due_for_auto_close
from .services import complaint_auto_close

AUTO_CLOSE_BATCH = 500


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
