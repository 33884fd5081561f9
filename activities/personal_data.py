"""What activities contribute to a person's data export: their registrations (when, the outcome, whether they
attended) and whether they asked for announcements. Erasure ends the announcements; the registrations hold
no words of the person's and stay as the attendance record, the name going with the account; places at
activities yet to start are given up."""

from django.utils import timezone

from accounts.models import User
from privacy.export import section
from privacy.services import ANONYMISERS

from .models import ACTIVE_STATUSES, ActivitySubscription, Registration
from .services import registration_cancel


@section("activity_registrations")
def activity_registrations_section(user: User) -> dict:
    registrations = (
        Registration.objects.filter(person=user).select_related("activity").order_by("created_at", "id")
    )
    return {
        "subscribed_to_announcements": ActivitySubscription.objects.filter(person=user).exists(),
        "registrations": [
            {
                "activity": registration.activity.title,
                "starts_at": registration.activity.starts_at.isoformat(),
                "status": registration.status,
                "registered_at": registration.created_at.isoformat(),
                "cancelled_at": registration.cancelled_at.isoformat() if registration.cancelled_at else None,
                "attended_at": registration.attended_at.isoformat() if registration.attended_at else None,
            }
            for registration in registrations
        ],
    }


def end_activity_announcements(user: User) -> None:
    """Stop announcing new activities to a person whose data is erased, and give up the places they hold at
    activities yet to start (the first on each waiting list takes theirs)."""
    ActivitySubscription.objects.filter(person=user).delete()
    live = Registration.objects.filter(
        person=user, status__in=ACTIVE_STATUSES, activity__starts_at__gt=timezone.now()
    ).select_related("activity")
    for registration in live:
        registration_cancel(activity=registration.activity, actor=user)


if end_activity_announcements not in ANONYMISERS:
    ANONYMISERS.append(end_activity_announcements)
