"""One answer to "may this user see or change this object?", shared by every app.

Routine access follows relations: each app contributes, in its ``permissions.py``, a function per model and
action that returns a ``Q`` of the rows a user reaches through relations (the complaint's department, the
appointment's counsellor, a parent's children). Explicit grants that no relation implies (a case delegated to
a colleague, a supervisor's spot-check) live in django-guardian's *direct* foreign-key permission tables; a
model without them cannot be granted, so guardian's slow generic tables are never read.

Lists and single objects use the same rules: ``visible_to`` filters a queryset with the relation ``Q`` OR the
grants, and ``can`` asks the same question of one row.

A rule must not multiply rows: reach to-many relations through ``pk__in=Subquery(...)``, not joins.
"""

from collections import defaultdict
from collections.abc import Callable

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


def granted_q(user, model: type[Model], action: str) -> Q:
    """Rows granted to the user, or to one of their groups, in the model's direct permission tables."""
    condition = NOTHING
    name = codename(model, action)
    user_table = direct_user_permission_model(model)
    if user_table is not None:
        condition |= Q(
            pk__in=user_table.objects.filter(user=user, permission__codename=name).values("content_object_id")
        )
    group_table = direct_group_permission_model(model)
    if group_table is not None:
        condition |= Q(
            pk__in=group_table.objects.filter(group__user=user, permission__codename=name).values(
                "content_object_id"
            )
        )
    return condition


def visible_to(*, user, queryset: QuerySet, action: str = VIEW) -> QuerySet:
    """Narrow the queryset to the rows the user may see (or change, with ``action=CHANGE``)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    model = queryset.model
    return queryset.filter(relation_q(user, model, action) | granted_q(user, model, action))


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
