"""Supervision of counsellors: explicit, time-limited grants to read session records, the monthly spot-check
sample (reproducible, every draw kept), its findings, the managers' periodic reviews, invited experts'
assessments, and penalties with their effect on booking and the counsellor's right of reply."""

import datetime
import random

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ..errors import AppointmentMoveNotAllowed, CounsellingPermissionDenied, CounsellingRuleViolation
from ..models import (
    BLOCKING_PENALTIES,
    MAX_REASON_LENGTH,
    MAX_RECORD_LENGTH,
    Counsellor,
    CounsellorPenalty,
    CounsellorReview,
    ExpertAssessment,
    PenaltyKind,
    RecordGrant,
    ReviewDecision,
    SessionRecord,
    SpotCheckFinding,
    SpotCheckSample,
    State,
)
from ..notices import NoticeKind
from ..permissions import SPOT_CHECK_ROLES, may_spot_check, may_supervise_counsellors
from ..selectors import counsellor_figures
from .others import counsellors_lapsed_handle
from .records import _text

# A grant is for a spot-check, not a standing right: at most this long.
GRANT_LONGEST = datetime.timedelta(days=92)
# The grant that a draw of the monthly sample gives the supervisor who drew it.
SAMPLE_GRANT = datetime.timedelta(days=30)
SAMPLE_SIZE_DEFAULT = 3
SAMPLE_SIZE_LARGEST = 50


def _require_supervisor(actor: User, message: str) -> None:
    if not may_supervise_counsellors(actor):
        raise CounsellingPermissionDenied(message)


# --- Grants -------------------------------------------------------------------------------------------------


@transaction.atomic
def record_grant_create(
    *,
    supervisor: User,
    valid_from: datetime.datetime,
    valid_until: datetime.datetime,
    purpose: str,
    actor: User,
    counsellor: Counsellor | None = None,
    record: SessionRecord | None = None,
) -> RecordGrant:
    """Grant a supervisor the reading of one counsellor's records, or of one record, for a period and purpose.

    Requires a platform manager or the leadership group as the actor (CounsellingPermissionDenied), a
    supervisor or manager other than the actor and other than the counsellor concerned, exactly one of
    ``counsellor`` and ``record``, a period that ends after it starts and lasts at most 92 days, and a
    purpose (CounsellingRuleViolation on the field at fault).
    """
    _require_supervisor(actor, _("Spot-check grants are given by the platform's managers."))
    if not (supervisor.is_active and supervisor.role_names & SPOT_CHECK_ROLES):
        raise CounsellingRuleViolation(
            _("Choose a supervisor or manager."), code="not_supervisor", field="supervisor"
        )
    if supervisor.pk == actor.pk:
        raise CounsellingRuleViolation(
            _("A grant is given by someone other than its holder."), code="self_grant", field="supervisor"
        )
    if (counsellor is None) == (record is None):
        raise CounsellingRuleViolation(
            _("Choose either a counsellor or one record."), code="scope", field="counsellor"
        )
    concerned = counsellor or record.counsellor
    if concerned.user_id == supervisor.pk:
        raise CounsellingRuleViolation(
            _("No one is granted the reading of their own records."), code="own_records", field="supervisor"
        )
    if valid_until <= valid_from:
        raise CounsellingRuleViolation(
            _("The grant must end after it starts."), code="order", field="valid_until"
        )
    if valid_until - valid_from > GRANT_LONGEST:
        raise CounsellingRuleViolation(
            _("A grant lasts at most 92 days."), code="too_long", field="valid_until"
        )
    purpose = _text(purpose, field="purpose", limit=300, required=True)
    return RecordGrant.objects.create(
        supervisor=supervisor,
        counsellor=counsellor,
        record=record,
        valid_from=valid_from,
        valid_until=valid_until,
        purpose=purpose,
        granted_by=actor,
    )


@transaction.atomic
def record_grant_revoke(
    *, grant: RecordGrant, actor: User, now: datetime.datetime | None = None
) -> RecordGrant:
    """End a grant early; reads through it are refused from now on."""
    _require_supervisor(actor, _("Spot-check grants are revoked by the platform's managers."))
    locked = RecordGrant.objects.select_for_update().get(pk=grant.pk)
    if locked.revoked_at is None:
        locked.revoked_at = now or timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked


# --- The monthly sample -------------------------------------------------------------------------------------


def sample_seed(*, counsellor: Counsellor, month: datetime.date) -> str:
    return f"{counsellor.pk}:{month:%Y-%m}"


def sample_draw_ids(*, counsellor: Counsellor, month: datetime.date, size: int) -> list[int]:
    """The records a draw gives: seeded from the counsellor's id and the month, so always the same list."""
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(month, datetime.time.min, tzinfo=zone)
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    until = datetime.datetime.combine(following, datetime.time.min, tzinfo=zone)
    ids = sorted(
        SessionRecord.objects.filter(
            counsellor=counsellor, session_at__gte=since, session_at__lt=until
        ).values_list("pk", flat=True)
    )
    chosen = random.Random(sample_seed(counsellor=counsellor, month=month)).sample(ids, min(size, len(ids)))
    return sorted(chosen)


@transaction.atomic
def spot_check_sample_draw(
    *,
    counsellor: Counsellor,
    month: datetime.date,
    actor: User,
    size: int = SAMPLE_SIZE_DEFAULT,
    now: datetime.datetime | None = None,
) -> SpotCheckSample:
    """Draw the month's random sample of the counsellor's records, as a supervisor; every draw is kept (who,
    when, which records), and drawing again gives the same records.

    Requires a supervisor or manager (CounsellingPermissionDenied), not the counsellor themself, a month
    that has begun and a size from 1 to 50 (CounsellingRuleViolation). Causes a grant to the one who drew it
    for each record drawn, for 30 days, unless a grant from a draw already covers it.
    """
    now = now or timezone.now()
    if not may_spot_check(actor):
        raise CounsellingPermissionDenied(_("Samples are drawn by supervisors."))
    if counsellor.user_id == actor.pk:
        raise CounsellingPermissionDenied(_("No one samples their own records."))
    month = month.replace(day=1)
    if month > timezone.localdate(now):
        raise CounsellingRuleViolation(_("Choose a month that has begun."), code="future", field="month")
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= SAMPLE_SIZE_LARGEST:
        raise CounsellingRuleViolation(
            _("Draw from 1 to %(limit)d records.") % {"limit": SAMPLE_SIZE_LARGEST}, code="size", field="size"
        )
    ids = sample_draw_ids(counsellor=counsellor, month=month, size=size)
    sample = SpotCheckSample.objects.create(
        counsellor=counsellor,
        month=month,
        seed=sample_seed(counsellor=counsellor, month=month),
        size=size,
        drawn_by=actor,
        drawn_at=now,
    )
    sample.records.set(ids)
    covered = set(
        RecordGrant.objects.filter(
            supervisor=actor,
            record_id__in=ids,
            sample__isnull=False,
            valid_until__gt=now,
            revoked_at__isnull=True,
        ).values_list("record_id", flat=True)
    )
    purpose = _("Monthly spot-check of %(month)s") % {"month": f"{month:%Y-%m}"}
    RecordGrant.objects.bulk_create(
        RecordGrant(
            supervisor=actor,
            record_id=pk,
            valid_from=now,
            valid_until=now + SAMPLE_GRANT,
            purpose=purpose,
            sample=sample,
            granted_by=actor,
            granted_at=now,
        )
        for pk in ids
        if pk not in covered
    )
    return sample


@transaction.atomic
def spot_check_finding_record(
    *, sample: SpotCheckSample, record: SessionRecord, outcome: str, note: str = "", actor: User
) -> SpotCheckFinding:
    """Record what the supervisor who drew the sample found in one of its records; once per record."""
    if sample.drawn_by_id != actor.pk:
        raise CounsellingPermissionDenied(_("Findings are recorded by the supervisor who drew the sample."))
    if not sample.records.filter(pk=record.pk).exists():
        raise CounsellingRuleViolation(
            _("Choose a record of this sample."), code="not_sampled", field="record"
        )
    if outcome not in SpotCheckFinding.Outcome.values:
        raise CounsellingRuleViolation(_("Choose an outcome."), code="outcome", field="outcome")
    note = _text(note, field="note", limit=MAX_REASON_LENGTH, required=outcome != "satisfactory")
    if SpotCheckFinding.objects.filter(sample=sample, record=record).exists():
        raise AppointmentMoveNotAllowed(_("A finding is already recorded for this record."), code="recorded")
    return SpotCheckFinding.objects.create(
        sample=sample, record=record, outcome=outcome, note=note, recorded_by=actor
    )


# --- Reviews and experts' assessments -----------------------------------------------------------------------


@transaction.atomic
def counsellor_review_record(
    *,
    counsellor: Counsellor,
    period_start: datetime.date,
    period_end: datetime.date,
    decision: str,
    notes: str,
    actor: User,
) -> CounsellorReview:
    """Record a periodic review of a counsellor with its decision; the period's figures are gathered now
    (``selectors.counsellor_figures``) and kept with it. Requires a platform manager or the leadership."""
    _require_supervisor(actor, _("Counsellors are reviewed by the platform's managers."))
    if period_end < period_start:
        raise CounsellingRuleViolation(
            _("The period must end after it starts."), code="order", field="period_end"
        )
    if decision not in ReviewDecision.values:
        raise CounsellingRuleViolation(_("Choose a decision."), code="decision", field="decision")
    notes = _text(notes, field="notes", limit=MAX_REASON_LENGTH, required=True)
    return CounsellorReview.objects.create(
        counsellor=counsellor,
        period_start=period_start,
        period_end=period_end,
        figures=counsellor_figures(counsellor=counsellor, first=period_start, last=period_end),
        decision=decision,
        notes=notes,
        reviewed_by=actor,
    )


@transaction.atomic
def expert_assessment_record(
    *,
    counsellor: Counsellor,
    expert_name: str,
    assessed_on: datetime.date,
    assessment: str,
    recommendation: str,
    actor: User,
    expert_affiliation: str = "",
) -> ExpertAssessment:
    """Record an invited external expert's assessment of a counsellor (a platform manager keys it in)."""
    _require_supervisor(actor, _("Experts' assessments are recorded by the platform's managers."))
    if recommendation not in ReviewDecision.values:
        raise CounsellingRuleViolation(_("Choose a recommendation."), code="decision", field="recommendation")
    if assessed_on > timezone.localdate():
        raise CounsellingRuleViolation(_("Choose a day that has passed."), code="future", field="assessed_on")
    return ExpertAssessment.objects.create(
        counsellor=counsellor,
        expert_name=_text(expert_name, field="expert_name", limit=100, required=True),
        expert_affiliation=_text(expert_affiliation, field="expert_affiliation", limit=200, required=False),
        assessed_on=assessed_on,
        assessment=_text(assessment, field="assessment", limit=MAX_RECORD_LENGTH, required=True),
        recommendation=recommendation,
        recorded_by=actor,
    )


# --- Penalties ----------------------------------------------------------------------------------------------


@transaction.atomic
def counsellor_penalty_impose(
    *,
    counsellor: Counsellor,
    kind: str,
    reason: str,
    actor: User,
    starts_at: datetime.datetime | None = None,
    ends_at: datetime.datetime | None = None,
    review: CounsellorReview | None = None,
    now: datetime.datetime | None = None,
) -> CounsellorPenalty:
    """Impose a warning, suspension or removal on a counsellor, with its reason and period.

    Requires a platform manager or the leadership group. A suspension needs its end; a removal has none. A
    suspension or removal takes the counsellor out of ``counsellors_bookable`` from its start, by the query,
    and cancels their sessions within its period as a lapsed qualification does (never the client's no-show;
    each client is offered counsellors of the same speciality). The counsellor is told and may reply.
    """
    from notifications.services import notification_enqueue

    now = now or timezone.now()
    _require_supervisor(actor, _("Penalties are imposed by the platform's managers."))
    if kind not in PenaltyKind.values:
        raise CounsellingRuleViolation(_("Choose a kind of penalty."), code="kind", field="kind")
    reason = _text(reason, field="reason", limit=MAX_REASON_LENGTH, required=True)
    starts_at = starts_at or now
    if kind == PenaltyKind.SUSPENSION and ends_at is None:
        raise CounsellingRuleViolation(_("Give the suspension's last day."), code="required", field="ends_at")
    if kind != PenaltyKind.SUSPENSION:
        ends_at = None
    if ends_at is not None and ends_at <= starts_at:
        raise CounsellingRuleViolation(
            _("The period must end after it starts."), code="order", field="ends_at"
        )
    penalty = CounsellorPenalty.objects.create(
        counsellor=counsellor,
        kind=kind,
        reason=reason,
        starts_at=starts_at,
        ends_at=ends_at,
        review=review,
        imposed_by=actor,
        imposed_at=now,
    )
    if kind in BLOCKING_PENALTIES:
        counsellors_lapsed_handle(counsellor_ids=[counsellor.pk], now=now, since=starts_at, until=ends_at)
    if counsellor.user.is_active:
        notification_enqueue(recipient=counsellor.user, kind=NoticeKind.PENALTY, context={})
    return penalty


@transaction.atomic
def counsellor_penalty_reply(
    *, penalty: CounsellorPenalty, text: str, actor: User, now: datetime.datetime | None = None
) -> CounsellorPenalty:
    """Reply to a penalty, as the counsellor it concerns, once."""
    locked = CounsellorPenalty.objects.select_for_update().select_related("counsellor").get(pk=penalty.pk)
    if locked.counsellor.user_id != actor.pk:
        raise CounsellingPermissionDenied(_("Only the counsellor concerned replies."))
    if locked.replied_at is not None:
        raise AppointmentMoveNotAllowed(_("You have already replied to this penalty."), code="replied")
    locked.reply = _text(text, field="text", limit=MAX_REASON_LENGTH, required=True)
    locked.replied_at = now or timezone.now()
    locked.save(update_fields=["reply", "replied_at"])
    return locked


# --- Complaints about counsellors ---------------------------------------------------------------------------

COUNSELLING_CATEGORY = "counselling"


def counsellor_complaint_file(*, appointment, title: str, description: str, actor: User):
    """File a complaint about the counsellor of one of the client's sessions, through the complaints workflow:
    category counselling (心理咨询服务), the counsellor's account as its subject, so the conflict-of-interest
    rule keeps them from handling or deciding it, and from reading it.

    Requires the appointment's client and a session that took place or was cancelled by the counsellor
    (AppointmentMoveNotAllowed otherwise); the complaints service checks the texts and the rest.
    """
    from complaints.models import Category
    from complaints.services.filing import complaint_file

    if appointment.client_id != actor.pk:
        raise CounsellingPermissionDenied(_("Only the client complains about their session here."))
    if appointment.state in (State.HELD, State.EXPIRED):
        raise AppointmentMoveNotAllowed(_("A complaint is filed about a booked session."), code="not_booked")
    category = Category.objects.get(code=COUNSELLING_CATEGORY)
    return complaint_file(
        actor=actor,
        complainant=actor,
        category=category,
        title=title,
        description=description,
        subject_staff=appointment.counsellor.user,
    )
