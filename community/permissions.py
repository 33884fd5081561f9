"""Who does what in the community.

- Every signed-in, active person reads the boards and posts, replies, likes, follows and reports.
- Moderators (superusers and holders of ``community.moderate_community``) work the moderation queue, decide
  appeals, keep the sensitive-word list and mark official answers; they read hidden posts in the admin only.
"""

from accounts.models import User

MODERATE_PERMISSION = "community.moderate_community"


def may_take_part(user: User) -> bool:
    """Whether the user may post, reply, like, follow and report."""
    return bool(user.is_authenticated and user.is_active)


def may_moderate_community(user: User) -> bool:
    """Whether the user moderates the community (superusers and holders of the permission)."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(MODERATE_PERMISSION))
