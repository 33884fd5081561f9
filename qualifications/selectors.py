"""Reads of the qualifications module: who is qualified today, what a person holds, what awaits vetting.

``qualified`` is the one rule a domain calls to keep only qualified holders (bookable counsellors,
assignable instructors): the pages, the API and the admin all go through it, so a lapsed certificate hides
its holder everywhere at once, by the query, without waiting for a sweep.
"""

import datetime
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from privacy import policy

from .errors import NotAHolder
from .models import Qualification, QualificationKind, State
from .registry import QualifiedHolder, qualified_holder_get


def _holder(model: type[models.Model]) -> QualifiedHolder:
    holder = qualified_holder_get(model)
    if holder is None:
        raise NotAHolder()
    return holder


def current_condition(on: datetime.date) -> Q:
    """The qualifications that count on a day: verified and within their validity."""
    return Q(state=State.VERIFIED, valid_from__lte=on) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )


def qualified(queryset: QuerySet, *, on: datetime.date | None = None) -> QuerySet:
    """Keep the holders of the queryset who are qualified on a day (today by default).

    Qualified means: their model requires at least one active kind, and for every active required kind they
    hold a verified qualification valid that day. One query, whatever the number of kinds: the holder is kept
    when no required kind is missing. Raises ``NotAHolder`` for a model nobody registered.
    """
    _holder(queryset.model)
    on = on or timezone.localdate()
    holder_type = ContentType.objects.get_for_model(queryset.model)
    required = QualificationKind.objects.filter(holder_type=holder_type, required=True, is_active=True)
    held = Qualification.objects.filter(
        current_condition(on),
        holder_type=holder_type,
        holder_id=OuterRef(OuterRef("pk")),
        kind=OuterRef("pk"),
    )
    missing = required.filter(~Exists(held))
    return queryset.filter(Exists(required)).filter(~Exists(missing))


def qualified_flag(model: type[models.Model], *, on: datetime.date | None = None) -> Exists:
    """An expression true for rows of the model whose holder is qualified: ``annotate(qualified=...)`` flags
    a whole list in its own query."""
    return Exists(qualified(model._default_manager.filter(pk=OuterRef("pk")), on=on))


def unqualified(queryset: QuerySet, *, on: datetime.date | None = None) -> QuerySet:
    """The holders of the queryset who are not qualified on a day (to flag them where they still appear)."""
    return queryset.exclude(pk__in=qualified(queryset.model._default_manager.all(), on=on).values("pk"))


def qualified_ids(
    model: type[models.Model], ids: Iterable[int], *, on: datetime.date | None = None
) -> set[int]:
    """The ids among ``ids`` whose holders are qualified: one query, for flags on a list's rows."""
    ids = list(ids)
    if not ids:
        return set()
    return set(qualified(model._default_manager.filter(pk__in=ids), on=on).values_list("pk", flat=True))


def holders_of(user: User, model: type[models.Model]) -> QuerySet:
    """The rows of a holder model that are this person (their counsellor or instructor record)."""
    holder = _holder(model)
    if not user.is_authenticated:
        return model._default_manager.none()
    return model._default_manager.filter(**{holder.person_field: user})


def holder_person_id(holder_row: models.Model) -> int | None:
    """The account id of the person a holder row is."""
    return getattr(holder_row, f"{_holder(type(holder_row)).person_field}_id", None)


def kinds_for(model: type[models.Model]) -> QuerySet[QualificationKind]:
    """The active kinds a model's holders may submit, required ones first."""
    return QualificationKind.objects.filter(
        holder_type=ContentType.objects.get_for_model(model), is_active=True
    ).order_by("-required", "position", "code")


def qualifications_of(holder_row: models.Model) -> QuerySet[Qualification]:
    """A holder's qualifications, newest first, without their scans (read only when asked for)."""
    return (
        Qualification.objects.filter(
            holder_type=ContentType.objects.get_for_model(type(holder_row)), holder_id=holder_row.pk
        )
        .select_related("kind")
        .defer("scan")
    )


def qualifications_visible(user: User) -> QuerySet[Qualification]:
    """The qualifications a person may read: reviewers all, a holder their own (``privacy.policy``)."""
    return policy.visible_to(
        user=user, queryset=Qualification.objects.select_related("kind", "holder_type").defer("scan")
    )


def qualification_get_for_user(*, user: User, pk: int) -> Qualification:
    """The qualification if the person may read it; ``Qualification.DoesNotExist`` (a 404) otherwise."""
    return qualifications_visible(user).get(pk=pk)


def qualifications_awaiting_vetting() -> QuerySet[Qualification]:
    """Submitted qualifications, the longest waiting first."""
    return (
        Qualification.objects.filter(state=State.SUBMITTED)
        .select_related("kind", "holder_type", "submitted_by")
        .defer("scan")
        .order_by("submitted_at", "id")
    )


def qualifications_lapsing(
    *, within_days: int, today: datetime.date | None = None
) -> QuerySet[Qualification]:
    """Verified qualifications whose last valid day falls within the coming days (or has just passed)."""
    today = today or timezone.localdate()
    return (
        Qualification.objects.filter(
            state=State.VERIFIED,
            valid_until__isnull=False,
            valid_until__lte=today + datetime.timedelta(days=within_days),
        )
        .select_related("kind", "holder_type")
        .defer("scan")
        .order_by("valid_until", "id")
    )
