"""Reads of counselling: who may be booked, who may book (and why not), free slots, and the appointments each
reader may see (the client their own, a counsellor theirs, the desk all), through the access policy."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Guardianship, User
from privacy import policy
from privacy.models import Purpose, PurposeConsent
from qualifications.selectors import qualified

from .models import (
    Appointment,
    AppointmentEvent,
    BookingRestriction,
    Counsellor,
    IdentityVerification,
    NoShowPolicy,
    Speciality,
    State,
)
from .permissions import is_counselling_staff
from .slots import Slot, free_slots

MINOR_AGE = 14


def counsellors_bookable() -> QuerySet[Counsellor]:
    """The one rule of who may be booked: active, not suspended, with an active account, and qualified today
    (``qualifications.selectors.qualified``: a verified, current certificate of every required kind)."""
    return qualified(Counsellor.objects.filter(is_active=True, is_suspended=False, user__is_active=True))


def counsellors_find(*, speciality: str = "", language: str = "") -> QuerySet[Counsellor]:
    """Bookable counsellors for the find page, filtered by a speciality's code and a language."""
    found = counsellors_bookable()
    if speciality:
        found = found.filter(
            pk__in=Counsellor.specialities.through.objects.filter(speciality__code=speciality).values(
                "counsellor_id"
            )
        )
    if language:
        found = found.filter(languages__contains=[language])
    return found.prefetch_related(Prefetch("specialities", queryset=Speciality.objects.order_by("position")))


def counsellor_get_bookable(*, pk: int) -> Counsellor:
    """Return a bookable counsellor by id; 404 for any other (suspended, lapsed, missing)."""
    counsellor = (
        counsellors_bookable()
        .prefetch_related(Prefetch("specialities", queryset=Speciality.objects.order_by("position")))
        .filter(pk=pk)
        .first()
    )
    if counsellor is None:
        raise Http404
    return counsellor


def counsellor_for_user(*, user: User) -> Counsellor:
    """The user's own counsellor profile (whether bookable or not); 404 when they are not a counsellor."""
    counsellor = Counsellor.objects.filter(user=user).first() if user.is_authenticated else None
    if counsellor is None:
        raise Http404
    return counsellor


def counsellor_free_slots(
    *,
    counsellor: Counsellor,
    first: datetime.date,
    last: datetime.date,
    now: datetime.datetime | None = None,
) -> list[Slot]:
    """The counsellor's free slots from ``first`` to ``last`` (days of their calendar)."""
    return free_slots(counsellors=[counsellor], first=first, last=last, now=now or timezone.now())[
        counsellor.pk
    ]


# --- May this user book? ------------------------------------------------------------------------------------


class Refusal:
    IDENTITY_REQUIRED = "identity_required"
    GUARDIAN_CONSENT_REQUIRED = "guardian_consent_required"
    RECORDS_CONSENT_REQUIRED = "records_consent_required"
    RESTRICTED = "restricted"
    NOT_A_CLIENT = "not_a_client"


REFUSAL_TEXTS: dict[str, Promise] = {
    Refusal.NOT_A_CLIENT: _("Counselling sessions are booked by learners for themselves."),
    Refusal.IDENTITY_REQUIRED: _(
        "Verify your identity first: your real name, resident ID number and mobile number."
    ),
    Refusal.GUARDIAN_CONSENT_REQUIRED: _(
        "You are under 14: a parent or guardian must give their consent to your counselling first."
    ),
    Refusal.RECORDS_CONSENT_REQUIRED: _(
        "Give your consent to the keeping of your counselling records (on “My data”) first; you may "
        "withdraw it at any time."
    ),
    Refusal.RESTRICTED: _(
        "After repeated no-shows you cannot book new sessions until %(day)s. You may appeal against this."
    ),
}


@dataclass(frozen=True)
class BookingEligibility:
    """Whether a user may book now, and if not the first reason why (with its restriction, if that is it)."""

    allowed: bool
    reason: str = ""
    restriction: BookingRestriction | None = None

    @property
    def message(self) -> str:
        if self.allowed:
            return ""
        text = REFUSAL_TEXTS[self.reason]
        if self.restriction is not None:
            return str(text) % {
                "day": timezone.localtime(self.restriction.ends_at).strftime("%Y-%m-%d %H:%M")
            }
        return str(text)


def restriction_active(*, client: User, now: datetime.datetime | None = None) -> BookingRestriction | None:
    moment = now or timezone.now()
    return (
        BookingRestriction.objects.filter(client=client, lifted_at__isnull=True, starts_at__lte=moment)
        .filter(ends_at__gt=moment)
        .order_by("-ends_at")
        .first()
    )


def guardian_consent_active(*, minor: User) -> bool:
    """Whether a guardian of the minor has consented to their counselling (and not withdrawn it)."""
    guardians = Guardianship.objects.filter(learner=minor).values("guardian_id")
    return PurposeConsent.objects.filter(
        user=minor, purpose=Purpose.MINOR_COUNSELLING, withdrawn_at__isnull=True, given_by__in=guardians
    ).exists()


def booking_eligibility(*, user: User, now: datetime.datetime | None = None) -> BookingEligibility:
    """The one answer to "may this user book a counselling session now?", with the reason when not.

    In order: a learner's own account; a verified identity; under 14, a guardian's consent; consent to the
    keeping of counselling records (PIPL Art. 29, separate and withdrawable); no booking restriction.
    """
    moment = now or timezone.now()
    if not (user.is_authenticated and user.is_active and user.has_role("learner")):
        return BookingEligibility(False, Refusal.NOT_A_CLIENT)
    identity = IdentityVerification.objects.filter(user=user, verified_at__isnull=False).first()
    if identity is None:
        return BookingEligibility(False, Refusal.IDENTITY_REQUIRED)
    if identity.age_on(timezone.localdate(moment)) < MINOR_AGE and not guardian_consent_active(minor=user):
        return BookingEligibility(False, Refusal.GUARDIAN_CONSENT_REQUIRED)
    if not PurposeConsent.objects.filter(
        user=user, purpose=Purpose.COUNSELLING_RECORDS, withdrawn_at__isnull=True
    ).exists():
        return BookingEligibility(False, Refusal.RECORDS_CONSENT_REQUIRED)
    restriction = restriction_active(client=user, now=moment)
    if restriction is not None:
        return BookingEligibility(False, Refusal.RESTRICTED, restriction)
    return BookingEligibility(True)


def identity_for_user(*, user: User) -> IdentityVerification | None:
    return IdentityVerification.objects.filter(user=user).first()


def no_show_policy() -> NoShowPolicy:
    """The no-show limit in force (its defaults when staff have saved none)."""
    return NoShowPolicy.objects.order_by("pk").first() or NoShowPolicy()


def no_shows_counted(*, client: User, now: datetime.datetime | None = None) -> int:
    """The client's no-shows (not waived) within the policy's window."""
    moment = now or timezone.now()
    window = datetime.timedelta(days=no_show_policy().window_days)
    return Appointment.objects.filter(
        client=client, state=State.NO_SHOW, no_show_at__gt=moment - window, no_show_at__lte=moment
    ).count()


# --- Appointments -------------------------------------------------------------------------------------------


def appointments_visible(*, user: User) -> QuerySet[Appointment]:
    return policy.visible_to(user=user, queryset=Appointment.objects.all())


def appointment_get_for_user(*, user: User, reference: str) -> Appointment:
    """Return the appointment the user may see, by reference; 404 when missing or not theirs."""
    return policy.get_visible_or_404(
        user=user,
        queryset=Appointment.objects.select_related("counsellor", "client"),
        reference=reference,
    )


def appointments_of_client(*, user: User) -> QuerySet[Appointment]:
    """The user's own appointments (as the client), soonest last-first, with their counsellor."""
    return (
        appointments_visible(user=user)
        .filter(client=user)
        .exclude(state=State.EXPIRED)
        .select_related("counsellor")
        .order_by("-starts_at", "-id")
    )


def appointments_of_counsellor(
    *, counsellor: Counsellor, first: datetime.datetime, last: datetime.datetime
) -> QuerySet[Appointment]:
    """A counsellor's schedule: their appointments (not expired holds) between two moments, in order."""
    return (
        Appointment.objects.filter(counsellor=counsellor, starts_at__gte=first, starts_at__lt=last)
        .exclude(state=State.EXPIRED)
        .select_related("client")
        .order_by("starts_at", "id")
    )


def appointment_timeline(*, appointment: Appointment, user: User) -> list[AppointmentEvent]:
    """The appointment's events this reader may see: the desk and the counsellor every event, the client the
    public ones."""
    events = AppointmentEvent.objects.filter(appointment=appointment).select_related("actor")
    counsellor = appointment.counsellor.user_id == user.pk
    if not (is_counselling_staff(user) or counsellor):
        events = events.filter(is_public=True)
    return list(events.order_by("created_at", "id"))


def specialities_in_use() -> QuerySet[Speciality]:
    """The specialities of at least one bookable counsellor, for the find page's filter."""
    return (
        Speciality.objects.annotate(
            bookable=Count("counsellors", filter=Q(counsellors__in=counsellors_bookable()))
        )
        .filter(bookable__gt=0)
        .order_by("position", "code")
    )
