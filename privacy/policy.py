"""One answer to "may this user see or change this object?", shared by every app.

Routine access follows relations: each app contributes, in its ``permissions.py``, a function per model and
action that returns a ``Q`` of the rows a user reaches through relations (the complaint's department, the
appointment's counsellor, a parent's children). Explicit grants that no relation implies (a case delegated to
a colleague, a supervisor's spot-check) live in django-guardian's *direct* foreign-key permission tables; a
model without them cannot be granted, so guardian's slow generic tables are never read.

Lists and single objects use the same rules: ``visible_to`` filters a queryset with the relation ``Q`` OR the
grants, and ``can`` asks the same question of one row.

A rule must not multiply rows: reach to-many relations through ``pk__in`` (a list or a subquery), not joins.

Within one request (``one_reading``, which a middleware opens around each), what a reader reaches through
their relations and grants is read once and remembered (``remember``): the rules then compare columns with
short lists of ids instead of compiling the same half-dozen subqueries into every query of the page. Outside a
request (a task, a shell), each call reads afresh.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from guardian.shortcuts import assign_perm, remove_perm
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

VIEW = "view"
CHANGE = "change"
ACTIONS = (VIEW, CHANGE)

Rule = Callable[[Model], Q]  # user -> the rows they reach through relations

_rules: dict[tuple[type[Model], str], list[Rule]] = defaultdict(list)

NOTHING = Q(pk__in=[])
EVERYTHING = Q(pk__isnull=False)

T = TypeVar("T")
_memory: ContextVar[dict | None] = ContextVar("privacy_policy_memory", default=None)


@contextmanager
def one_reading() -> Iterator[None]:
    """Remember each reader's reach until the block ends (one request, one task); inside another such block,
    go on with its memory."""
    if _memory.get() is not None:
        yield
        return
    token = _memory.set({})
    try:
        yield
    finally:
        _memory.reset(token)


def remember(user, key: str, read: Callable[[], T]) -> T:
    """Return what ``read`` answers about this user, read once within ``one_reading`` (every time outside)."""
    memory = _memory.get()
    if memory is None:
        return read()
    slot = (user.pk, key)
    if slot not in memory:
        memory[slot] = read()
    return memory[slot]


def register(model: type[Model], action: str, rule: Rule) -> Rule:
    """Add a relation rule for the model and action; several rules for one model are OR-ed."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}; use one of {ACTIONS}.")
    if rule not in _rules[(model, action)]:
        _rules[(model, action)].append(rule)
    return rule


def rule(model: type[Model], *actions: str) -> Callable[[Rule], Rule]:
    """Decorator form of ``register`` for one or more actions."""

    def decorate(function: Rule) -> Rule:
        for action in actions or (VIEW,):
            register(model, action, function)
        return function

    return decorate


def _direct_model(model: type[Model], base: type[Model], lookup: Callable) -> type[Model] | None:
    candidate = lookup(model)
    if issubclass(candidate, base) and not candidate.objects.is_generic():
        return candidate
    return None


def direct_user_permission_model(model: type[Model]) -> type[Model] | None:
    return _direct_model(model, UserObjectPermissionBase, get_user_obj_perms_model)


def direct_group_permission_model(model: type[Model]) -> type[Model] | None:
    return _direct_model(model, GroupObjectPermissionBase, get_group_obj_perms_model)


def codename(model: type[Model], action: str) -> str:
    return f"{action}_{model._meta.model_name}"


def relation_q(user, model: type[Model], action: str) -> Q:
    condition = NOTHING
    for contribute in _rules[(model, action)]:
        condition |= contribute(user)
    return condition


def _read_grants(user, model: type[Model]) -> dict[str, list]:
    """Every grant of the model to the user or one of their groups, by action: one query for both tables."""
    names = {codename(model, action): action for action in ACTIONS}
    tables = [
        table.objects.filter(person, permission__codename__in=names).values_list(
            "permission__codename", "content_object_id"
        )
        for table, person in (
            (direct_user_permission_model(model), Q(user=user)),
            (direct_group_permission_model(model), Q(group__user=user)),
        )
        if table is not None
    ]
    grants: dict[str, list] = {action: [] for action in ACTIONS}
    if tables:
        rows = tables[0].union(*tables[1:], all=True) if len(tables) > 1 else tables[0]
        for name, pk in rows:
            grants[names[name]].append(pk)
    return grants


def granted_q(user, model: type[Model], action: str) -> Q:
    """Rows granted to the user, or to one of their groups, in the model's direct permission tables."""
    grants = remember(user, f"grants:{model._meta.label}", lambda: _read_grants(user, model))
    return Q(pk__in=grants[action]) if grants[action] else NOTHING


def condition(user, model: type[Model], action: str = VIEW) -> Q:
    """The rows of the model the user may see (or change): the one condition every reader is filtered by."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    with one_reading():  # the rules ask the reach several times: once is enough
        return relation_q(user, model, action) | granted_q(user, model, action)


def visible_to(*, user, queryset: QuerySet, action: str = VIEW) -> QuerySet:
    """Narrow the queryset to the rows the user may see (or change, with ``action=CHANGE``)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(condition(user, queryset.model, action))


def can(user, action: str, obj: Model) -> bool:
    """Say whether the user may see or change this one object, by the same rules as lists."""
    model = type(obj)
    return visible_to(user=user, queryset=model._default_manager.filter(pk=obj.pk), action=action).exists()


def get_visible_or_404(*, user, queryset: QuerySet, action: str = VIEW, **lookup) -> Model:
    """Return the one row matching the lookup that the user may reach; 404 if missing or not theirs."""
    try:
        return visible_to(user=user, queryset=queryset, action=action).get(**lookup)
    except queryset.model.DoesNotExist as missing:
        raise Http404 from missing


def grant(*, user, action: str, obj: Model) -> None:
    """Grant one user an action on one object that no relation gives them."""
    model = type(obj)
    if direct_user_permission_model(model) is None:
        raise ImproperlyConfigured(f"{model.__name__} has no direct user permission table; grants need one.")
    assign_perm(f"{model._meta.app_label}.{codename(model, action)}", user, obj)


def revoke(*, user, action: str, obj: Model) -> None:
    model = type(obj)
    remove_perm(f"{model._meta.app_label}.{codename(model, action)}", user, obj)
