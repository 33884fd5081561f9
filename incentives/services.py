"""Awarding points and issuing the rewards they reach.

``points_award`` is the one way points are written. A domain calls it inside its own transaction when a
learner has done something worth points (their feedback was accepted, they answered a survey), naming the
reason and the record that earned them. Asking twice for the same learner, reason and source awards once:
the second call finds the row the unique constraint keeps and returns None, so a domain may call it from a
service that runs again, or from a task that Redis delivers twice.
"""

import datetime
import secrets

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import RuleViolation
from core.references import reference_allocate
from notifications.services import notification_enqueue

from .models import REWARD_PREFIX, Award, PointsBalance, Reward, RewardRule
from .notices import REWARD_ISSUED
from .reasons import award_reason_get

# Coupon codes: no 0/O, 1/I/L, so a code read aloud or typed from a phone's screen is not mistaken.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4  # 12 characters: about 59 bits from the system's secure random source


def reward_code_generate() -> str:
    """Return a new coupon code such as ``K7QD-2MXA-9PTR``, from the ``secrets`` module's randomness."""
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH)) for _ in range(CODE_GROUPS)
    )
    return "-".join(groups)


def _award_insert(
    *,
    learner: User,
    points: int,
    reason: str,
    source_type: ContentType,
    source_id: int,
    actor: User | None,
    now: datetime.datetime,
) -> int | None:
    """Insert the award unless the learner has one for this reason and source; return its id, or None."""
    table = connection.ops.quote_name(Award._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            # The table name comes from the model, never from input.
            f"INSERT INTO {table} (learner_id, points, reason, source_type_id, source_id, actor_id, "  # noqa: S608
            "created_at) VALUES (%s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (learner_id, reason, source_type_id, source_id) DO NOTHING RETURNING id",
            [learner.pk, points, reason, source_type.pk, source_id, actor.pk if actor else None, now],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _balance_add(*, learner: User, points: int, now: datetime.datetime) -> int:
    """Add the points to the learner's balance and return the new total; the row stays locked until commit."""
    table = connection.ops.quote_name(PointsBalance._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (learner_id, total, updated_at) VALUES (%s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (learner_id) DO UPDATE SET total = {table}.total + EXCLUDED.total, "
            "updated_at = EXCLUDED.updated_at RETURNING total",
            [learner.pk, points, now],
        )
        (total,) = cursor.fetchone()
    return total


@transaction.atomic
def points_award(*, learner: User, reason: str, source: Model, actor: User | None = None) -> Award | None:
    """Award the reason's points to the learner for ``source``, once; return the award (None if given before).

    Requires a registered reason (``incentives.reasons``), an active learner and a saved source; raises
    RuleViolation (field ``reason``, ``learner`` or ``source``) otherwise, and writes nothing. Runs in the
    caller's transaction (a savepoint of it): if the caller rolls back, the award, the balance, any reward
    and its notice go with it. Causes, for each reward rule whose threshold the new total reaches, one reward
    with a fresh coupon code and a notice to the learner through the outbox.
    """
    spec = award_reason_get(str(reason))
    if spec is None:
        raise RuleViolation(_("No such reason for points."), code="unknown_reason", field="reason")
    if learner is None or learner.pk is None or not learner.is_active:
        raise RuleViolation(_("Points go to an active learner."), code="learner_inactive", field="learner")
    if source is None or source.pk is None:
        raise RuleViolation(
            _("Points are awarded for a saved record."), code="source_unsaved", field="source"
        )
    now = timezone.now()
    source_type = ContentType.objects.get_for_model(source, for_concrete_model=True)
    award_id = _award_insert(
        learner=learner,
        points=spec.points,
        reason=spec.name,
        source_type=source_type,
        source_id=int(source.pk),
        actor=actor,
        now=now,
    )
    if award_id is None:
        return None
    award = Award(
        pk=award_id,
        learner=learner,
        points=spec.points,
        reason=spec.name,
        source_type=source_type,
        source_id=int(source.pk),
        actor=actor,
        created_at=now,
    )
    total = _balance_add(learner=learner, points=spec.points, now=now)
    rewards_issue(learner=learner, award=award, before=total - spec.points, after=total)
    return award


def rewards_issue(*, learner: User, award: Award, before: int, after: int) -> list[Reward]:
    """Issue a reward for each threshold of an active rule the total passed from ``before`` to ``after``.

    Each (learner, rule, threshold) is issued once, by a unique constraint: a threshold reached before (by
    an earlier rule edit) is not issued again. Call it only from ``points_award``, which holds the balance's
    lock. Causes one notice per reward.
    """
    issued = []
    for rule in RewardRule.objects.filter(is_active=True).order_by("every_points", "id"):
        first, last = before // rule.every_points + 1, after // rule.every_points
        for multiple in range(first, last + 1):
            threshold = multiple * rule.every_points
            reward = _reward_create(learner=learner, rule=rule, threshold=threshold, award=award)
            if reward is not None:
                issued.append(reward)
    return issued


def _reward_create(*, learner: User, rule: RewardRule, threshold: int, award: Award) -> Reward | None:
    if Reward.objects.filter(learner=learner, rule=rule, threshold=threshold).exists():
        return None
    today = timezone.localdate()
    try:
        with transaction.atomic():
            reward = Reward.objects.create(
                reference=reference_allocate(prefix=REWARD_PREFIX),
                learner=learner,
                rule=rule,
                threshold=threshold,
                award=award,
                kind=rule.kind,
                value=rule.value,
                description=rule.description,
                description_en=rule.description_en,
                code=reward_code_generate(),
                expires_on=today + datetime.timedelta(days=rule.valid_days) if rule.valid_days else None,
            )
    except IntegrityError:
        return None  # issued meanwhile for this threshold (the unique constraint decided)
    notification_enqueue(
        recipient=learner, kind=REWARD_ISSUED, context={"reference": reward.reference, "kind": reward.kind}
    )
    return reward
