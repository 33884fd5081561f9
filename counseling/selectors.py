"""Reads of counselling: who may be booked, who may book (and why not), free slots, and the appointments each
reader may see (the client their own, a counsellor theirs, the desk all), through the access policy."""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Guardianship, User
from privacy import policy
from privacy.models import Purpose, PurposeConsent
from qualifications.selectors import qualified
from ratings.models import Rating

from .models import (
    BLOCKING_PENALTIES,
    Appointment,
    AppointmentEvent,
    BookingRestriction,
    Counsellor,
    CounsellorPenalty,
    IdentityVerification,
    Intake,
    NoShowPolicy,
    RecordGrant,
    SafetyCase,
    SafetyCaseState,
    SessionRecord,
    Speciality,
    SpotCheckFinding,
    State,
)
from .permissions import counsellor_of, is_counselling_staff
from .slots import Slot, free_slots

MINOR_AGE = 14


def penalties_in_force(*, now: datetime.datetime | None = None) -> QuerySet[CounsellorPenalty]:
    """The suspensions and removals in force at the moment: they stop a counsellor's bookings."""
    moment = now or timezone.now()
    return CounsellorPenalty.objects.filter(kind__in=BLOCKING_PENALTIES, starts_at__lte=moment).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=moment)
    )


def counsellors_bookable() -> QuerySet[Counsellor]:
    """The one rule of who may be booked: active, not suspended, with an active account, under no suspension
    or removal in force (``CounsellorPenalty``), and qualified today (``qualifications.selectors.qualified``:
    a verified, current certificate of every required kind)."""
    return qualified(
        Counsellor.objects.filter(is_active=True, is_suspended=False, user__is_active=True).exclude(
            pk__in=penalties_in_force().values("counsellor_id")
        )
    )


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


# --- Session records ----------------------------------------------------------------------------------------

OWN_RECORD_PURPOSE = _("Read by the client's own counsellor")


def record_grants_in_force(*, user: User, now: datetime.datetime | None = None) -> QuerySet[RecordGrant]:
    """The user's spot-check grants in force now (not yet begun, expired or revoked ones left out)."""
    moment = now or timezone.now()
    if not user.is_authenticated or not user.is_active:
        return RecordGrant.objects.none()
    return RecordGrant.objects.filter(
        supervisor=user, valid_from__lte=moment, valid_until__gt=moment, revoked_at__isnull=True
    )


def records_readable(*, user: User, now: datetime.datetime | None = None) -> QuerySet[SessionRecord]:
    """The session records the user may read now: their own as the counsellor, and those a grant in force
    gives them (all of a counsellor's, or one record). Nobody else, the desk and superusers included."""
    if not user.is_authenticated or not user.is_active:
        return SessionRecord.objects.none()
    grants = record_grants_in_force(user=user, now=now)
    own = counsellor_of(user)
    reach = Q(counsellor__in=grants.filter(counsellor__isnull=False).values("counsellor_id")) | Q(
        pk__in=grants.filter(record__isnull=False).values("record_id")
    )
    if own is not None:
        reach |= Q(counsellor_id=own)
    return SessionRecord.objects.filter(reach)


def record_get_for_reading(
    *, user: User, pk: int, now: datetime.datetime | None = None
) -> tuple[SessionRecord, str]:
    """Return a record the user may read now and the purpose of this read (the counsellor's own, or a grant's
    purpose); 404 when missing or not theirs to read, an expired grant included."""
    moment = now or timezone.now()
    record = (
        records_readable(user=user, now=moment)
        .select_related("appointment", "counsellor", "client")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise Http404
    if record.counsellor.user_id == user.pk:
        return record, str(OWN_RECORD_PURPOSE)
    grant = (
        record_grants_in_force(user=user, now=moment)
        .filter(Q(record=record) | Q(counsellor_id=record.counsellor_id))
        .order_by("record_id", "-valid_until")  # a grant of the one record first
        .first()
    )
    return record, grant.purpose


def records_list(*, user: User, now: datetime.datetime | None = None) -> QuerySet[SessionRecord]:
    """The records the user may read now, newest session first, for the list (no notes read)."""
    return (
        records_readable(user=user, now=now)
        .select_related("counsellor", "appointment")
        .defer("notes")
        .order_by("-session_at", "-id")
    )


def client_flagged_at_risk(*, client: User) -> bool:
    """Whether a session of the client is flagged at risk and its safety case still open: then no rating is
    asked of them and no rate form offered."""
    return SafetyCase.objects.filter(client=client).exclude(state=SafetyCaseState.CLOSED).exists()


def intake_for(*, client: User, counsellor: Counsellor) -> Intake | None:
    return Intake.objects.filter(client=client, counsellor=counsellor).first()


def appointment_rating(*, appointment: Appointment) -> Rating | None:
    """The client's rating of this session, if given."""
    return Rating.objects.filter(
        source_type=ContentType.objects.get_for_model(Appointment), source_id=appointment.pk
    ).first()


def may_rate(*, appointment: Appointment, user: User) -> bool:
    """Whether the rate form is offered: the client, an attended session, not yet rated, no session of theirs
    flagged at risk."""
    return (
        appointment.client_id == user.pk
        and appointment.state == State.COMPLETED
        and appointment_rating(appointment=appointment) is None
        and not client_flagged_at_risk(client=user)
    )


def penalties_of_counsellor(*, counsellor: Counsellor) -> QuerySet[CounsellorPenalty]:
    return CounsellorPenalty.objects.filter(counsellor=counsellor).order_by("-starts_at", "-id")


def counsellor_figures(
    *, counsellor: Counsellor, first: datetime.date, last: datetime.date
) -> dict[str, int | str | None]:
    """The figures of a counsellor's review for the days ``first`` to ``last``: sessions attended, no-shows,
    cancellations by the client and by the counsellor, ratings (count and mean), complaints about them and the
    spot-check findings by outcome."""
    from django.apps import apps
    from django.db.models import Avg

    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    until = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    sessions = Appointment.objects.filter(counsellor=counsellor, starts_at__gte=since, starts_at__lt=until)
    counts = sessions.aggregate(
        attended=Count("pk", filter=Q(state=State.COMPLETED)),
        no_shows=Count("pk", filter=Q(state=State.NO_SHOW)),
        cancelled_by_client=Count("pk", filter=Q(state=State.CANCELLED)),
        cancelled_by_counsellor=Count("pk", filter=Q(state=State.CANCELLED_BY_COUNSELLOR)),
    )
    ratings = Rating.objects.filter(
        subject_type=ContentType.objects.get_for_model(Counsellor),
        subject_id=counsellor.pk,
        created_at__gte=since,
        created_at__lt=until,
    ).aggregate(count=Count("pk"), mean=Avg("score"))
    complaint = apps.get_model("complaints", "Complaint")
    complaints = complaint.objects.filter(
        subject_staff_id=counsellor.user_id, created_at__gte=since, created_at__lt=until
    ).count()
    findings = SpotCheckFinding.objects.filter(
        record__counsellor=counsellor, recorded_at__gte=since, recorded_at__lt=until
    ).aggregate(
        **{
            f"findings_{outcome}": Count("pk", filter=Q(outcome=outcome))
            for outcome in SpotCheckFinding.Outcome.values
        }
    )
    mean = ratings["mean"]
    return {
        **counts,
        "ratings": ratings["count"],
        "rating_mean": f"{mean:.2f}" if mean is not None else None,
        "complaints": complaints,
        **findings,
    }
