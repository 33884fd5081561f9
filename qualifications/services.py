"""Submitting, vetting and re-checking qualifications, and acting once when a holder stops being qualified.

Every service runs in one transaction and takes the actor; a refusal raises a ``qualifications.errors``
domain error naming the input field it concerns, and changes nothing (no row, no event, no notice).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.evidence import evidence_check
from core.workflow import Move, MoveTable, workflow_move
from notifications.services import NoticeRequest, notifications_enqueue_bulk
from privacy.models import AccessLogEntry
from privacy.services import access_log_record

from .errors import QualificationInvalid, QualificationNotAllowed, QualificationStateConflict
from .models import (
    ISSUER_MAX_LENGTH,
    LEVEL_MAX_LENGTH,
    NUMBER_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REMINDER_DAYS,
    Qualification,
    QualificationEvent,
    QualificationKind,
    QualificationReminder,
    State,
)
from .notices import (
    QUALIFICATION_DECIDED,
    QUALIFICATION_LAPSED,
    QUALIFICATION_LAPSING,
    QUALIFICATION_LAPSING_REVIEWERS,
)
from .permissions import VET_PERMISSION, may_vet_qualifications
from .registry import QualifiedHolder, qualified_holder_for_label
from .selectors import _holder, holder_person_id, qualified_ids

SWEEP_BATCH = 500


class Transition(models.TextChoices):
    VERIFY = "verify", _("Verify")
    REJECT = "reject", _("Reject")
    SUSPEND = "suspend", _("Suspend")
    REINSTATE = "reinstate", _("Reinstate")


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")
    REINSTATED = "reinstated", _("Reinstated")
    EXPIRED = "expired", _("Lapsed at the end of its validity")


ALLOWED_TRANSITIONS: MoveTable[Transition] = MoveTable(
    {
        Transition.VERIFY: Move(frozenset({State.SUBMITTED}), State.VERIFIED),
        Transition.REJECT: Move(frozenset({State.SUBMITTED}), State.REJECTED),
        Transition.SUSPEND: Move(frozenset({State.VERIFIED}), State.SUSPENDED),
        Transition.REINSTATE: Move(frozenset({State.SUSPENDED}), State.VERIFIED),
    }
)
EVENT_OF = {
    Transition.VERIFY: EventKind.VERIFIED,
    Transition.REJECT: EventKind.REJECTED,
    Transition.SUSPEND: EventKind.SUSPENDED,
    Transition.REINSTATE: EventKind.REINSTATED,
}
NEEDS_REASON = frozenset({Transition.REJECT, Transition.SUSPEND})


def _text(value: str | None, *, field: str, maximum: int, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise QualificationInvalid(_("This field is required."), code="required", field=field)
    if len(text) > maximum:
        raise QualificationInvalid(
            _("Write at most %(max)d characters.") % {"max": maximum}, code="too_long", field=field
        )
    if "\x00" in text:
        raise QualificationInvalid(
            _("The text holds a character that is not allowed."), code="nul", field=field
        )
    return text


def _person_id(qualification: Qualification) -> int | None:
    holder = qualified_holder_for_label(qualification.holder_type.model_class()._meta.label_lower)
    if holder is None:
        return None
    return (
        holder.model._default_manager.filter(pk=qualification.holder_id)
        .values_list(holder.person_field, flat=True)
        .first()
    )


def _reviewers() -> list[int]:
    app_label, codename = VET_PERMISSION.split(".")
    granted = Q(user_permissions__content_type__app_label=app_label, user_permissions__codename=codename) | Q(
        groups__permissions__content_type__app_label=app_label, groups__permissions__codename=codename
    )
    return sorted(set(User.objects.filter(granted, is_active=True).values_list("pk", flat=True)))


def _event(qualification: Qualification, *, kind: str, actor: User | None, body: str = "", **states) -> None:
    QualificationEvent.objects.create(
        qualification=qualification, kind=kind, actor=actor, body=body, is_public=True, **states
    )


@transaction.atomic
def qualification_submit(
    *,
    holder: models.Model,
    kind: QualificationKind | None,
    number: str,
    issuer: str,
    level: str = "",
    valid_from: datetime.date | None,
    valid_until: datetime.date | None,
    scan: File | None,
    actor: User,
) -> Qualification:
    """Record a qualification the holder holds, with its scanned copy, to be vetted.

    Requires the holder's own person, or a reviewer keying it in for them; a kind the holder's model
    accepts; a number and an issuer; the validity (a last day when the kind expires, not before the first);
    a scan that is a JPEG, PNG or PDF by its content. Writes the qualification and its first event.
    """
    registered = _holder(type(holder))
    if actor.pk != holder_person_id(holder) and not may_vet_qualifications(actor):
        raise QualificationNotAllowed(_("Only the holder or a reviewer records a qualification."))
    holder_type = ContentType.objects.get_for_model(registered.model)
    if kind is None or kind.holder_type_id != holder_type.pk or not kind.is_active:
        raise QualificationInvalid(_("Choose a kind of qualification."), code="kind_invalid", field="kind")
    number = _text(number, field="number", maximum=NUMBER_MAX_LENGTH, required=True)
    issuer = _text(issuer, field="issuer", maximum=ISSUER_MAX_LENGTH, required=True)
    level = _text(level, field="level", maximum=LEVEL_MAX_LENGTH, required=False)
    if valid_from is None:
        raise QualificationInvalid(_("Give the first valid day."), code="required", field="valid_from")
    if kind.expires and valid_until is None:
        raise QualificationInvalid(
            _("This kind of qualification lapses: give its last valid day."),
            code="required",
            field="valid_until",
        )
    if valid_until is not None and valid_until < valid_from:
        raise QualificationInvalid(
            _("The last valid day cannot come before the first."), code="range_invalid", field="valid_until"
        )
    if valid_until is not None and valid_until < timezone.localdate():
        raise QualificationInvalid(
            _("This certificate has already lapsed."), code="already_lapsed", field="valid_until"
        )
    if scan is None:
        raise QualificationInvalid(_("Attach the scanned certificate."), code="required", field="scan")
    (checked,) = evidence_check(
        files=[scan],
        limit=1,
        too_many=_("Attach one scan."),
        refusal=lambda message, code: QualificationInvalid(message, code=code, field="scan"),
    )
    checked.upload.seek(0)
    qualification = Qualification.objects.create(
        holder_type=holder_type,
        holder_id=holder.pk,
        kind=kind,
        number=number,
        issuer=issuer,
        level=level,
        valid_from=valid_from,
        valid_until=valid_until,
        scan=checked.upload.read(),
        scan_type=checked.content_type,
        scan_name=checked.original_name,
        submitted_by=actor,
    )
    _event(qualification, kind=EventKind.SUBMITTED, actor=actor, to_state=State.SUBMITTED)
    return qualification


def _refuse(locked: Qualification, transition: str) -> QualificationStateConflict:
    return QualificationStateConflict(
        _("A qualification that is “%(state)s” cannot be changed that way.")
        % {"state": locked.get_state_display()}
    )


def qualification_decide(
    *, qualification: Qualification, actor: User, transition: str, reason: str = ""
) -> Qualification:
    """Verify, reject, suspend or reinstate a qualification, as a reviewer who is not its holder.

    Rejecting and suspending need a reason, which the holder reads. Verifying or reinstating a certificate
    whose validity has ended is refused. A suspension that leaves the holder unqualified tells their domain
    at once (``QualifiedHolder.on_lapse``). The holder is told of every decision.
    """
    if transition not in ALLOWED_TRANSITIONS:
        raise QualificationInvalid(_("Unknown decision."), code="unknown_transition")
    if not may_vet_qualifications(actor):
        raise QualificationNotAllowed(_("Only reviewers decide on qualifications."))
    person_id = _person_id(qualification)
    if actor.pk in {person_id, qualification.submitted_by_id}:
        raise QualificationNotAllowed(
            _("You cannot decide on your own qualification, or on one you submitted."),
            code="own_qualification",
        )
    reason = _text(reason, field="reason", maximum=REASON_MAX_LENGTH, required=transition in NEEDS_REASON)
    if transition in {Transition.VERIFY, Transition.REINSTATE} and not (
        qualification.valid_until is None or qualification.valid_until >= timezone.localdate()
    ):
        raise QualificationInvalid(
            _("This certificate has already lapsed: ask for the renewed one."), code="already_lapsed"
        )

    def changes(locked: Qualification, move: Move, now: datetime.datetime) -> dict:
        return {"reviewed_by": actor, "reviewed_at": now, "reason": reason, "lapse_handled_at": None}

    def record(locked: Qualification, from_state: str, move: Move, now: datetime.datetime) -> None:
        _event(
            locked,
            kind=EVENT_OF[transition],
            actor=actor,
            body=reason,
            from_state=from_state,
            to_state=move.target,
        )

    with transaction.atomic():
        decided = workflow_move(
            instance=qualification,
            table=ALLOWED_TRANSITIONS,
            transition=transition,
            refuse=_refuse,
            record=record,
            changes=changes,
        )
        if person_id is not None:
            notifications_enqueue_bulk(
                notices=[
                    NoticeRequest(
                        person_id,
                        QUALIFICATION_DECIDED,
                        {"reference": str(decided.pk), "kind": str(decided.kind_id), "state": decided.state},
                    )
                ]
            )
        if transition == Transition.SUSPEND:
            _lapses_handle([decided], now=timezone.now())
    return decided


def _lapses_handle(
    qualifications: Sequence[Qualification], *, now: datetime.datetime, on: datetime.date | None = None
) -> None:
    """Mark the qualifications' lapse handled and tell each domain of its holders now unqualified, once."""
    Qualification.objects.filter(pk__in=[q.pk for q in qualifications]).update(lapse_handled_at=now)
    by_type: dict[int, set[int]] = defaultdict(set)
    for qualification in qualifications:
        by_type[qualification.holder_type_id].add(qualification.holder_id)
    for type_id, holder_ids in by_type.items():
        holder = _registered(type_id)
        if holder is None or holder.on_lapse is None:
            continue
        still = qualified_ids(holder.model, holder_ids, on=on)
        lapsed = sorted(holder_ids - still)
        if lapsed:
            holder.on_lapse(lapsed)


def _registered(holder_type_id: int) -> QualifiedHolder | None:
    model = ContentType.objects.get_for_id(holder_type_id).model_class()
    return None if model is None else qualified_holder_for_label(model._meta.label_lower)


def _persons(qualifications: Iterable[Qualification]) -> dict[int, int]:
    """Qualification id -> the holder's person id, one query per kind of holder."""
    by_type: dict[int, list[Qualification]] = defaultdict(list)
    for qualification in qualifications:
        by_type[qualification.holder_type_id].append(qualification)
    persons: dict[int, int] = {}
    for type_id, rows in by_type.items():
        holder = _registered(type_id)
        if holder is None:
            continue
        person_of = dict(
            holder.model._default_manager.filter(pk__in={q.holder_id for q in rows}).values_list(
                "pk", holder.person_field
            )
        )
        for qualification in rows:
            if person_of.get(qualification.holder_id) is not None:
                persons[qualification.pk] = person_of[qualification.holder_id]
    return persons


def _not_renewed(queryset):
    """Leave out qualifications whose holder already has a verified successor of the same kind."""
    successor = Qualification.objects.filter(
        holder_type=OuterRef("holder_type"),
        holder_id=OuterRef("holder_id"),
        kind=OuterRef("kind"),
        state=State.VERIFIED,
        valid_until__gt=OuterRef("valid_until"),
    )
    return queryset.filter(~Exists(successor))


def qualifications_lapse_sweep(*, today: datetime.date | None = None) -> int:
    """Act once on every verified qualification whose validity ended: record it, tell its holder, and tell
    the holder's domain when they are no longer qualified (their bookings, their courses).

    Safe to run twice or twice at once: rows are taken with ``SKIP LOCKED`` and marked in the same
    transaction. Returns how many qualifications were handled.
    """
    today = today or timezone.localdate()
    handled = 0
    while True:
        with transaction.atomic():
            rows = list(
                Qualification.objects.select_for_update(skip_locked=True)
                .filter(state=State.VERIFIED, valid_until__lt=today, lapse_handled_at__isnull=True)
                .defer("scan")
                .order_by("valid_until", "id")[:SWEEP_BATCH]
            )
            if not rows:
                return handled
            now = timezone.now()
            QualificationEvent.objects.bulk_create(
                [
                    QualificationEvent(
                        qualification=row, kind=EventKind.EXPIRED, is_public=True, created_at=now
                    )
                    for row in rows
                ]
            )
            unrenewed = set(
                _not_renewed(Qualification.objects.filter(pk__in=[r.pk for r in rows])).values_list(
                    "pk", flat=True
                )
            )
            persons = _persons(rows)
            notifications_enqueue_bulk(
                notices=[
                    NoticeRequest(
                        persons[row.pk],
                        QUALIFICATION_LAPSED,
                        {
                            "reference": str(row.pk),
                            "kind": str(row.kind_id),
                            "due_at": row.valid_until.isoformat(),
                        },
                    )
                    for row in rows
                    if row.pk in persons and row.pk in unrenewed
                ],
                now=now,
            )
            _lapses_handle(rows, now=now, on=today)
            handled += len(rows)


def _threshold(days_left: int) -> int | None:
    crossed = [days for days in REMINDER_DAYS if days_left <= days]
    return min(crossed) if crossed else None


def qualification_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind each holder, and the reviewers, that a verified qualification lapses in 90, 60 and 30 days.

    Each (qualification, threshold) is reminded once, kept by a unique constraint: a sweep run twice, or two
    at once, remind once. A qualification first seen past a threshold gets that threshold's reminder only; one
    whose holder already has a verified successor of the same kind is not reminded. Returns how many
    reminders were written.
    """
    today = today or timezone.localdate()
    candidates = list(
        _not_renewed(
            Qualification.objects.filter(
                state=State.VERIFIED,
                valid_until__gte=today,
                valid_until__lte=today + datetime.timedelta(days=max(REMINDER_DAYS)),
            )
        )
        .defer("scan")
        .prefetch_related("reminders")
        .order_by("valid_until", "id")
    )
    due = []
    for qualification in candidates:
        threshold = _threshold((qualification.valid_until - today).days)
        if threshold is not None and threshold not in {r.days_before for r in qualification.reminders.all()}:
            due.append((qualification, threshold))
    if not due:
        return 0
    persons = _persons([q for q, _threshold_days in due])
    reviewers = _reviewers()
    sent = 0
    for qualification, threshold in due:
        if _reminder_send(
            qualification=qualification,
            threshold=threshold,
            person_id=persons.get(qualification.pk),
            reviewers=reviewers,
        ):
            sent += 1
    return sent


@transaction.atomic
def _reminder_send(
    *, qualification: Qualification, threshold: int, person_id: int | None, reviewers: list[int]
) -> bool:
    recipients = [person_id] if person_id is not None else []
    try:
        with transaction.atomic():
            QualificationReminder.objects.create(
                qualification=qualification,
                days_before=threshold,
                recipients=len(recipients) + len([r for r in reviewers if r != person_id]),
            )
    except IntegrityError:
        return False  # another sweep reminded of it first
    context = {
        "reference": str(qualification.pk),
        "kind": str(qualification.kind_id),
        "due_at": qualification.valid_until.isoformat(),
    }
    notices = [NoticeRequest(person_id, QUALIFICATION_LAPSING, context)] if person_id is not None else []
    notices += [
        NoticeRequest(reviewer, QUALIFICATION_LAPSING_REVIEWERS, context)
        for reviewer in reviewers
        if reviewer != person_id
    ]
    notifications_enqueue_bulk(notices=notices)
    return True


def qualification_scan_read(
    *, qualification: Qualification, actor: User, channel: AccessLogEntry.Channel, screen: str
) -> Qualification:
    """Return the qualification with its scan, for a person who may read it; a reviewer's read of another
    person's scan is written to the access log. The caller checked that the actor may see the qualification
    (``selectors.qualification_get_for_user``)."""
    with_scan = Qualification.objects.get(pk=qualification.pk)
    person_id = _person_id(with_scan)
    if person_id is not None and person_id != actor.pk:
        access_log_record(
            actor=actor,
            subject=User.objects.get(pk=person_id),
            record=with_scan,
            fields=["number", "scan"],
            channel=channel,
            screen=screen,
        )
    return with_scan
