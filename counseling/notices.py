"""The notices counselling sends clients and counsellors, with their texts, links and calendar files.

Registered in the notifications registry from the app's ready; contexts carry the appointment's reference
only. A confirmation's e-mail carries the session as a calendar entry (.ics), built at delivery time.
"""

import datetime
from enum import StrEnum
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from notifications.kinds import NoticeAttachment, NoticeKindSpec, NoticeTexts, notice_kind_register
from notifications.services import notification_enqueue

from .models import Appointment


class NoticeKind(StrEnum):
    CONFIRMED = "counselling_confirmed"
    BOOKED = "counselling_booked"
    REMINDER_DAY = "counselling_reminder_day"
    REMINDER_HOUR = "counselling_reminder_hour"
    CANCELLED = "counselling_cancelled"
    CANCELLED_BY_COUNSELLOR = "counselling_cancelled_by_counsellor"
    NO_SHOW = "counselling_no_show"
    WAIVED = "counselling_no_show_waived"
    RESTRICTED = "counselling_restricted"
    APPEAL_DECIDED = "counselling_appeal_decided"
    COUNSELLOR_UNAVAILABLE = "counselling_counsellor_unavailable"
    RATE = "counselling_rate"
    SAFETY_CASE = "counselling_safety_case"
    PENALTY = "counselling_penalty"


def appointment_path(context: dict) -> str:
    return f"/counselling/appointments/{context['reference']}/"


def schedule_path(context: dict) -> str:
    return "/counselling/schedule/"


def my_appointments_path(context: dict) -> str:
    return "/counselling/appointments/"


def _appointment(context: dict) -> Appointment | None:
    return (
        Appointment.objects.select_related("counsellor")
        .prefetch_related("counsellor__specialities")
        .filter(reference=context.get("reference", ""))
        .first()
    )


def same_counsellor_path(context: dict) -> str:
    """Another time with the same counsellor: their page of free slots."""
    appointment = _appointment(context)
    return f"/counselling/counsellors/{appointment.counsellor_id}/" if appointment else "/counselling/"


def find_same_speciality_path(context: dict) -> str:
    """Another counsellor: the find page, filtered by the speciality of the one who is no longer bookable."""
    appointment = _appointment(context)
    specialities = list(appointment.counsellor.specialities.all()) if appointment else []
    if not specialities:
        return "/counselling/"
    first = min(specialities, key=lambda speciality: (speciality.position, speciality.code))
    return "/counselling/?" + urlencode({"speciality": first.code})


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def appointment_calendar(appointment: Appointment) -> bytes:
    """The appointment as an iCalendar (RFC 5545) entry: its time, the counsellor's public name, its link."""

    def utc(moment) -> str:
        return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")

    host = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    link = settings.SITE_URL.rstrip("/") + appointment_path({"reference": appointment.reference})
    summary = gettext("Counselling session with %(name)s") % {"name": appointment.counsellor.public_name}
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//learner-rights platform//counselling//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{appointment.reference}@{host}",
        f"DTSTAMP:{utc(timezone.now())}",
        f"DTSTART:{utc(appointment.starts_at)}",
        f"DTEND:{utc(appointment.ends_at)}",
        f"SUMMARY:{_ics_text(summary)}",
        f"DESCRIPTION:{_ics_text(appointment.reference + ' ' + link)}",
        f"URL:{link}",
        "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def calendar_attachments(context: dict, recipient) -> list[NoticeAttachment]:
    appointment = _appointment(context)
    if appointment is None:
        return []
    return [
        NoticeAttachment(
            filename=f"{appointment.reference}.ics",
            content=appointment_calendar(appointment),
            mimetype="text/calendar",
        )
    ]


def _kind(name, subject, body, sms, title, *, path=appointment_path, attachments=None) -> NoticeKindSpec:
    return NoticeKindSpec(
        name=name,
        texts=NoticeTexts(subject=subject, body=body, sms=sms, title=title),
        path=path,
        link_label=_("Open it here: %(url)s"),
        attachments=attachments,
    )


NOTICE_KINDS = (
    _kind(
        NoticeKind.CONFIRMED,
        _("Your counselling session %(reference)s is confirmed"),
        _(
            "Your counselling session %(reference)s is booked and confirmed. The calendar entry is "
            "attached. You may cancel free of consequence up to 24 hours before it starts."
        ),
        pgettext_lazy("sms", "Your counselling session %(reference)s is confirmed."),
        _("Session %(reference)s confirmed"),
        attachments=calendar_attachments,
    ),
    _kind(
        NoticeKind.BOOKED,
        _("New counselling session %(reference)s"),
        _("A client booked counselling session %(reference)s with you. The calendar entry is attached."),
        pgettext_lazy("sms", "A client booked session %(reference)s with you."),
        _("New session %(reference)s"),
        path=schedule_path,
        attachments=calendar_attachments,
    ),
    _kind(
        NoticeKind.REMINDER_DAY,
        _("Reminder: counselling session %(reference)s tomorrow"),
        _("Your counselling session %(reference)s starts in about 24 hours."),
        pgettext_lazy("sms", "Reminder: your counselling session %(reference)s starts in about 24 hours."),
        _("Session %(reference)s in 24 hours"),
    ),
    _kind(
        NoticeKind.REMINDER_HOUR,
        _("Reminder: counselling session %(reference)s in one hour"),
        _("Your counselling session %(reference)s starts in about one hour."),
        pgettext_lazy("sms", "Reminder: your counselling session %(reference)s starts in one hour."),
        _("Session %(reference)s in one hour"),
    ),
    _kind(
        NoticeKind.CANCELLED,
        _("Counselling session %(reference)s was cancelled"),
        _("The client cancelled counselling session %(reference)s; the time is free again."),
        pgettext_lazy("sms", "Session %(reference)s was cancelled by the client."),
        _("Session %(reference)s cancelled"),
        path=schedule_path,
    ),
    _kind(
        NoticeKind.CANCELLED_BY_COUNSELLOR,
        _("Your counselling session %(reference)s was cancelled by the counsellor"),
        _(
            "We are sorry: the counsellor had to cancel your session %(reference)s. This does not count "
            "against you. Choose another time with the same counsellor here."
        ),
        pgettext_lazy(
            "sms", "Your session %(reference)s was cancelled by the counsellor. Please rebook online."
        ),
        _("Session %(reference)s cancelled by the counsellor"),
        path=same_counsellor_path,
    ),
    _kind(
        NoticeKind.NO_SHOW,
        _("Counselling session %(reference)s recorded as a no-show"),
        _(
            "Your counselling session %(reference)s was recorded as a no-show (a cancellation less than 24 "
            "hours before the start, or not attending). Repeated no-shows limit new bookings for a while."
        ),
        pgettext_lazy("sms", "Session %(reference)s was recorded as a no-show."),
        _("No-show: session %(reference)s"),
    ),
    _kind(
        NoticeKind.WAIVED,
        _("The no-show of session %(reference)s was waived"),
        _("The no-show of your counselling session %(reference)s was waived; it does not count against you."),
        pgettext_lazy("sms", "The no-show of session %(reference)s was waived."),
        _("No-show of %(reference)s waived"),
    ),
    _kind(
        NoticeKind.RESTRICTED,
        _("New counselling bookings are limited for a while"),
        _(
            "After repeated no-shows (the latest: session %(reference)s) you cannot book new counselling "
            "sessions for a while. You may appeal against this on your appointments page."
        ),
        pgettext_lazy("sms", "After repeated no-shows your new bookings are limited. You may appeal online."),
        _("Bookings limited after no-shows"),
        path=my_appointments_path,
    ),
    _kind(
        NoticeKind.APPEAL_DECIDED,
        _("Your appeal about counselling bookings was decided"),
        _("Your appeal against the limit on new bookings (after session %(reference)s) was decided."),
        pgettext_lazy("sms", "Your appeal about counselling bookings was decided. See it online."),
        _("Appeal decided"),
        path=my_appointments_path,
    ),
    _kind(
        NoticeKind.COUNSELLOR_UNAVAILABLE,
        _("Your counsellor for session %(reference)s is no longer available"),
        _(
            "The counsellor of your session %(reference)s can no longer hold sessions, so the session is "
            "cancelled; this does not count against you. Find another counsellor with the same speciality "
            "here."
        ),
        pgettext_lazy(
            "sms", "Your counsellor for session %(reference)s is unavailable. Please rebook online."
        ),
        _("Session %(reference)s: choose another counsellor"),
        path=find_same_speciality_path,
    ),
)


def penalties_path(context: dict) -> str:
    return "/counselling/penalties/"


def staff_safety_case_path(context: dict) -> str:
    return f"/admin/counseling/safetycase/?q={context['reference']}"


SUPERVISION_KINDS = (
    _kind(
        NoticeKind.RATE,
        _("How was your counselling session %(reference)s?"),
        _(
            "You may rate your counselling session %(reference)s from 1 to 5, once. Others see only the "
            "average of many ratings, never yours."
        ),
        pgettext_lazy("sms", "You may rate your counselling session %(reference)s online."),
        _("Rate session %(reference)s"),
    ),
    NoticeKindSpec(
        name=NoticeKind.SAFETY_CASE,
        texts=NoticeTexts(
            subject=_("Urgent: safety case %(reference)s opened by a risk flag"),
            body=_(
                "A counsellor flagged a risk in a session record: safety case %(reference)s is open. "
                "Acknowledge it and follow it up within the target."
            ),
            sms=pgettext_lazy("sms", "Urgent: safety case %(reference)s opened. Please acknowledge it now."),
            title=_("Safety case %(reference)s opened"),
        ),
        path=staff_safety_case_path,
        link_label=_("Open the case in the staff workspace: %(url)s"),
    ),
    NoticeKindSpec(
        name=NoticeKind.PENALTY,
        texts=NoticeTexts(
            subject=_("A penalty was recorded on your counsellor profile"),
            body=_(
                "The platform recorded a penalty on your counsellor profile. You may read its reason and "
                "period, and reply, on your penalties page."
            ),
            sms=pgettext_lazy("sms", "A penalty was recorded on your counsellor profile. See it online."),
            title=_("Penalty recorded"),
        ),
        path=penalties_path,
        required_context=frozenset(),
        link_label=_("Open it here: %(url)s"),
    ),
)


def register() -> None:
    for spec in (*NOTICE_KINDS, *SUPERVISION_KINDS):
        notice_kind_register(spec)


def notify(person: User, notice: NoticeKind, appointment: Appointment) -> None:
    if person.is_active:
        notification_enqueue(recipient=person, kind=notice, context={"reference": appointment.reference})
