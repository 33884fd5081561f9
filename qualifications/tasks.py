"""Daily sweeps of the qualifications module: reminders before a certificate lapses, and lapses acted on."""

from celery import shared_task

from .services import qualification_reminders_send, qualifications_lapse_sweep


@shared_task(name="qualifications.sweep")
def qualifications_sweep_task() -> dict[str, int]:
    """Act on lapsed qualifications, then send the reminders due today; safe to run twice."""
    return {"lapsed": qualifications_lapse_sweep(), "reminded": qualification_reminders_send()}
