"""Who reads and vets qualifications (see ``privacy.policy``): one rule for the pages, the API and the admin.

- Reviewers (holders of ``qualifications.vet_qualification``, given to the managers' role, and superusers)
  read every qualification and decide on them, never on their own.
- A holder's person reads their own qualifications (the counsellor, the instructor).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from accounts.models import User
from privacy import policy

from .models import Qualification
from .registry import qualified_holders

VET_PERMISSION = "qualifications.vet_qualification"


def may_vet_qualifications(user) -> bool:
    """Whether the person works the vetting queue."""
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.has_perm(VET_PERMISSION)
    )


@policy.rule(Qualification, policy.VIEW)
def qualifications_visible_by_relation(user: User) -> Q:
    if may_vet_qualifications(user):
        return policy.EVERYTHING
    own = policy.NOTHING
    for holder in qualified_holders():
        rows = holder.model._default_manager.filter(**{holder.person_field: user}).values("pk")
        own |= Q(holder_type=ContentType.objects.get_for_model(holder.model), holder_id__in=rows)
    return own


@policy.rule(Qualification, policy.CHANGE)
def qualifications_changeable_by_relation(user: User) -> Q:
    return policy.EVERYTHING if may_vet_qualifications(user) else policy.NOTHING
