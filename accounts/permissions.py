"""Who reaches whose account record through relations (see privacy.policy)."""

from django.db.models import Q

from privacy import policy

from .models import Guardianship, User


@policy.rule(User, policy.VIEW)
def users_visible_by_relation(user: User) -> Q:
    """Yourself, the learners you are guardian of, or everyone with the model-wide view permission."""
    if user.has_perm("accounts.view_user"):
        return ~Q(pk=None)
    wards = Guardianship.objects.filter(guardian=user).values("learner_id")
    return Q(pk=user.pk) | Q(pk__in=wards)


@policy.rule(User, policy.CHANGE)
def users_changeable_by_relation(user: User) -> Q:
    if user.has_perm("accounts.change_user"):
        return ~Q(pk=None)
    return Q(pk=user.pk)
