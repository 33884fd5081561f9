"""Counselling's part of a person's data export: their appointments and their own intake answers.

The counsellor's session notes are the counsellor's professional record: the export says which sessions have
one (and who read it is on "My data"), not what it says.
"""

from accounts.models import User
from privacy.export import section

from .models import Appointment, Intake, SessionRecord


def _when(value) -> str | None:
    return value.isoformat() if value else None


@section("counselling")
def counselling_section(user: User) -> dict:
    recorded = set(SessionRecord.objects.filter(client=user).values_list("appointment_id", flat=True))
    appointments = Appointment.objects.filter(client=user).select_related("counsellor").order_by("starts_at")
    return {
        "appointments": [
            {
                "reference": appointment.reference,
                "counsellor": appointment.counsellor.public_name,
                "starts_at": _when(appointment.starts_at),
                "ends_at": _when(appointment.ends_at),
                "state": appointment.state,
                "cancellation_reason": appointment.cancellation_reason,
                "session_record_kept": appointment.pk in recorded,
            }
            for appointment in appointments
        ],
        "intake_answers": [
            {
                "counsellor": intake.counsellor.public_name,
                "concern": intake.concern,
                "history": intake.history,
                "hopes": intake.hopes,
                "answered_at": _when(intake.answered_at),
            }
            for intake in Intake.objects.filter(client=user).select_related("counsellor")
        ],
    }
