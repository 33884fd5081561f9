"""Who reaches privacy records through relations (see privacy.policy)."""

from django.db.models import Q

from accounts.models import User

from . import policy
from .models import IdentityDocument


@policy.rule(IdentityDocument, policy.VIEW)
def identity_documents_follow_their_person(user: User) -> Q:
    """Whoever may see a person's record may see their identity documents."""
    people = policy.visible_to(user=user, queryset=User.objects.all()).values("pk")
    return Q(user__in=people)
